using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Members;

/// <summary>
/// Members join by consent (issue 14, finding 3): an added user is pending until they accept, a
/// pending membership grants nothing and shows only what the admin typed, and the answer to adding
/// tells no one whether a name is an account.
/// </summary>
public class ConsentTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;
    private int _bob;
    private HttpClient _bobClient = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
        (_bob, _bobClient) = await _app.SignedInUserAsync("bob");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Task<HttpResponseMessage> AcceptAsync(HttpClient user, int org) => user.PostAsync($"/v1/api/user/invitations/{org}/accept", null);

    private static Task<HttpResponseMessage> DeclineAsync(HttpClient user, int org) => user.PostAsync($"/v1/api/user/invitations/{org}/decline", null);

    private async Task<JsonElement[]> UsersAsync()
    {
        var response = await _admin.GetAsync($"/v1/api/organizations/{_org}");
        response.EnsureSuccessStatusCode();
        return [.. (await response.ReadJsonAsync()).GetProperty("organization").GetProperty("users").EnumerateArray()];
    }

    [Fact]
    public async Task Add_KnownUnknownMemberOrRepeated_AllGetTheSameAnswer()
    {
        string[] names = ["bob", "bob@example.com", "nobody", "nobody@example.com", "alice", "bob"];
        var answers = new List<(HttpStatusCode, string)>();
        foreach (var name in names)
        {
            var response = await OrgKeysApp.AddMemberAsync(_admin, _org, name, "member");
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, """{"success":true}"""), a));
        var pending = (await UsersAsync()).Where(u => u.GetProperty("pending").GetBoolean()).ToArray();
        Assert.Equal(names, pending.Select(u => u.GetProperty("username").GetString()));
        Assert.All(pending, u => Assert.True(u.GetProperty("id").GetInt32() < 0));
    }

    [Fact]
    public async Task Pending_ShowsOnlyWhatTheAdminTyped_NeverTheUsersData()
    {
        await _app.WithDbAsync(async db =>
        {
            var bob = await db.Users.FindAsync(_bob);
            bob!.Name = "Robert Secret";
            return await db.SaveChangesAsync();
        });
        await OrgKeysApp.AddMemberAsync(_admin, _org, "BOB", "admin");

        var entry = Assert.Single(await UsersAsync(), u => u.GetProperty("pending").GetBoolean());
        var text = entry.GetRawText();
        Assert.DoesNotContain("Robert", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.com", text, StringComparison.Ordinal);
        Assert.Equal("BOB", entry.GetProperty("username").GetString());
        Assert.Equal("admin", entry.GetProperty("role").GetString());
        Assert.NotEqual(_bob, entry.GetProperty("id").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(_bobClient, _org)).StatusCode);
        var joined = Assert.Single(await UsersAsync(), u => u.GetProperty("id").GetInt32() == _bob);
        Assert.False(joined.GetProperty("pending").GetBoolean());
        Assert.Equal("bob@example.com", joined.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Pending_GrantsNothing_UntilAccepted()
    {
        await OrgKeysApp.AddMemberAsync(_admin, _org, "bob", "admin");

        Assert.Equal(HttpStatusCode.NotFound, (await _bobClient.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bobClient.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _bobClient.GetAsync($"/v1/auth/check?organization={_org}")).StatusCode);
        var listed = await (await _bobClient.GetAsync("/v1/api/user/organizations")).ReadJsonAsync();
        Assert.Empty(listed.GetProperty("organizations").EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(_bobClient, _org)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _bobClient.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _bobClient.GetAsync($"/v1/auth/check?organization={_org}&role=admin")).StatusCode);
        listed = await (await _bobClient.GetAsync("/v1/api/user/organizations")).ReadJsonAsync();
        Assert.Single(listed.GetProperty("organizations").EnumerateArray());
    }

    [Fact]
    public async Task Invitations_ListedForTheInvitee_AndAcceptOrDeclineOnlyTheirs()
    {
        await OrgKeysApp.AddMemberAsync(_admin, _org, "bob@example.com", "guest");
        var (_, carol) = await _app.SignedInUserAsync("carol");

        var body = await (await _bobClient.GetAsync("/v1/api/user/invitations")).ReadJsonAsync();
        var invitation = Assert.Single(body.GetProperty("invitations").EnumerateArray());
        Assert.Equal(_org, invitation.GetProperty("organizationId").GetInt32());
        Assert.Equal("Acme", invitation.GetProperty("organizationName").GetString());
        Assert.Equal("guest", invitation.GetProperty("role").GetString());
        Assert.Empty((await (await carol.GetAsync("/v1/api/user/invitations")).ReadJsonAsync()).GetProperty("invitations").EnumerateArray());

        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(carol, _org)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DeclineAsync(carol, _org)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(_bobClient, _org + 1000)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await DeclineAsync(_bobClient, _org)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(_bobClient, _org)).StatusCode);
        Assert.DoesNotContain(await UsersAsync(), u => u.GetProperty("username").GetString() == "bob@example.com");
    }

    [Fact]
    public async Task Invitations_RefuseApiKeys()
    {
        var (_, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org, "admin");
        using var withKey = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NotFound, (await withKey.GetAsync("/v1/api/user/invitations")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(withKey, _org)).StatusCode);
    }

    [Fact]
    public async Task PendingAdmin_DoesNotCountAsAnAdmin()
    {
        await OrgKeysApp.AddMemberAsync(_admin, _org, "bob", "admin");
        var aliceId = (await UsersAsync()).Single(u => !u.GetProperty("pending").GetBoolean()).GetProperty("id").GetInt32();

        var response = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = aliceId });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Remove_APendingEntry_WithdrawsTheInvitation()
    {
        await OrgKeysApp.AddMemberAsync(_admin, _org, "bob", "member");
        var pendingId = (await UsersAsync()).Single(u => u.GetProperty("pending").GetBoolean()).GetProperty("id").GetInt32();

        var response = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = pendingId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(_bobClient, _org)).StatusCode);
        var again = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = pendingId });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }
}
