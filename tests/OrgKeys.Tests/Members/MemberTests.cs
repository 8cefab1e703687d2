using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Members;

/// <summary>Adding, removing and re-roling members: admins only, and never the last admin.</summary>
public class MemberTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private int _alice;
    private HttpClient _admin = null!;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_alice, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> AddAsync(HttpClient client, string usernameOrEmail, string role = "member", int? org = null) =>
        _app.JoinAsync(client, org ?? _org, usernameOrEmail, role);

    private Task<HttpResponseMessage> RemoveAsync(HttpClient client, int userId, int? org = null) =>
        client.PostAsJsonAsync($"/v1/api/organizations/{org ?? _org}/members/remove", new { id = userId });

    private Task<HttpResponseMessage> SetRoleAsync(HttpClient client, int userId, string role, int? org = null) =>
        client.PostAsJsonAsync($"/v1/api/organizations/{org ?? _org}/members/{userId}/role", new { role });

    private Task<OrganizationRole?> RoleAsync(int userId) => _app.WithDbAsync(db => db.Members
        .Where(m => m.OrganizationId == _org && m.UserId == userId).Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync());

    /// <summary>A signed-in user who is already <paramref name="role"/> in the organization.</summary>
    private async Task<(int Id, HttpClient Client)> MemberAsync(string username, string role = "member")
    {
        var (id, client) = await _app.SignedInUserAsync(username);
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(_admin, username, role)).StatusCode);
        return (id, client);
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.NotEmpty(await response.ReadErrorAsync());
        }
    }

    [Fact]
    public async Task Add_ByAnAdmin_GivesAccessWithThatRole()
    {
        var (bob, bobClient) = await _app.SignedInUserAsync("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);

        var response = await AddAsync(_admin, "bob");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("success").GetBoolean());
        Assert.Equal(OrganizationRole.Member, await RoleAsync(bob));

        var users = (await (await bobClient.GetAsync($"/v1/api/organizations/{_org}")).ReadJsonAsync())
            .GetProperty("organization").GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("id").GetInt32());
        Assert.Equal("member", users[bob].GetProperty("role").GetString());
        Assert.Equal("admin", users[_alice].GetProperty("role").GetString());
        await AssertStatusAsync(HttpStatusCode.Forbidden, bobClient.DeleteAsync($"/v1/api/organizations/{_org}"));
    }

    [Theory]
    [InlineData("BOB")]
    [InlineData("Bob@Example.COM")]
    [InlineData("  bob  ")]
    public async Task Add_FindsTheUserByUsernameOrEmail_CaseInsensitively(string usernameOrEmail)
    {
        var bob = await _app.CreateUserAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(_admin, usernameOrEmail, "guest")).StatusCode);
        Assert.Equal(OrganizationRole.Guest, await RoleAsync(bob));
    }

    [Fact]
    public async Task Add_ByAnAdminKey_Works()
    {
        var bob = await _app.CreateUserAsync("bob");
        using var withKey = _app.ClientWithKey(_adminKey);
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(withKey, "bob", "admin")).StatusCode);
        Assert.Equal(OrganizationRole.Admin, await RoleAsync(bob));
    }

    [Fact]
    public async Task Add_ByAMemberOrAMemberKey_Is403_AndAddsNobody()
    {
        var (_, bobClient) = await MemberAsync("bob");
        var (_, memberKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var withMemberKey = _app.ClientWithKey(memberKey);
        var carol = await _app.CreateUserAsync("carol");

        await AssertStatusAsync(HttpStatusCode.Forbidden, AddAsync(bobClient, "carol"));
        await AssertStatusAsync(HttpStatusCode.Forbidden, AddAsync(withMemberKey, "carol"));
        await AssertStatusAsync(HttpStatusCode.Forbidden, AddAsync(bobClient, "bob", "admin"));
        Assert.Null(await RoleAsync(carol));
    }

    [Fact]
    public async Task Add_UnknownOrDisabledUser_IsAnsweredLikeAnyName_AndAddsNobody()
    {
        // Issue 14: a 404 here told accounts from non-accounts; now every name gets the same 200.
        await AssertStatusAsync(HttpStatusCode.OK, AddAsync(_admin, "nobody"));
        await AssertStatusAsync(HttpStatusCode.OK, AddAsync(_admin, "nobody@example.com"));

        var bob = await _app.CreateUserAsync("bob");
        await _app.WithDbAsync(db => db.Users.Where(u => u.Id == bob).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true)));
        await AssertStatusAsync(HttpStatusCode.OK, OrgKeysApp.AddMemberAsync(_admin, _org, "bob", "member"));
        Assert.Null(await RoleAsync(bob));
    }

    [Theory]
    [InlineData("""{"usernameOrEmail":"bob","role":"owner"}""", "role")]
    [InlineData("""{"usernameOrEmail":"bob","role":"Admin"}""", "role")]
    [InlineData("""{"usernameOrEmail":"bob","role":""}""", "role")]
    [InlineData("""{"usernameOrEmail":"bob"}""", "role")]
    [InlineData("""{"usernameOrEmail":"bob","role":2}""", "role")]
    [InlineData("""{"role":"member"}""", "usernameOrEmail")]
    [InlineData("""{"usernameOrEmail":"  ","role":"member"}""", "usernameOrEmail")]
    [InlineData("""{"usernameOrEmail":7,"role":"member"}""", "usernameOrEmail")]
    public async Task Add_BadBody_Is400_NamingTheField_AndAddsNobody(string json, string field)
    {
        var bob = await _app.CreateUserAsync("bob");
        var response = await _admin.PostAsync($"/v1/api/organizations/{_org}/members/add", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Null(await RoleAsync(bob));
    }

    [Fact]
    public async Task Add_SomeoneAlreadyAMember_IsAnsweredLikeAnyName_AndKeepsTheirRole()
    {
        // Issue 14: a 409 would tie the typed name to a member; the invitation it makes names no one.
        var (bob, bobClient) = await MemberAsync("bob", "guest");
        await AssertStatusAsync(HttpStatusCode.OK, OrgKeysApp.AddMemberAsync(_admin, _org, "bob", "admin"));
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.PostAsync($"/v1/api/user/invitations/{_org}/accept", null)).StatusCode);
        Assert.Equal(OrganizationRole.Guest, await RoleAsync(bob));
    }

    [Fact]
    public async Task Add_ToAnotherTenantsOrganization_Is404()
    {
        var (_, dave) = await _app.SignedInUserAsync("dave");
        var (_, otherKey) = await OrgKeysApp.CreateOrganizationAsync(dave, "Other");
        using var withOtherKey = _app.ClientWithKey(otherKey);
        var carol = await _app.CreateUserAsync("carol");

        await AssertStatusAsync(HttpStatusCode.NotFound, AddAsync(dave, "carol", "admin"));
        await AssertStatusAsync(HttpStatusCode.NotFound, AddAsync(withOtherKey, "carol", "admin"));
        await AssertStatusAsync(HttpStatusCode.NotFound, AddAsync(dave, "dave", "admin"));
        Assert.Null(await RoleAsync(carol));
    }

    [Fact]
    public async Task Remove_TakesAccessAwayAtOnce()
    {
        var (bob, bobClient) = await MemberAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await bobClient.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await RemoveAsync(_admin, bob)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = "k", role = "member" })).StatusCode);
        var organizations = (await (await bobClient.GetAsync("/v1/api/user/organizations")).ReadJsonAsync()).GetProperty("organizations");
        Assert.Empty(organizations.EnumerateArray());
    }

    [Fact]
    public async Task Remove_TheLastAdmin_Is409_AndKeepsThem()
    {
        await MemberAsync("bob");
        var response = await RemoveAsync(_admin, _alice);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("admin", await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(OrganizationRole.Admin, await RoleAsync(_alice));
    }

    [Fact]
    public async Task Remove_AnAdmin_WhenAnotherAdminRemains_Works()
    {
        var (bob, _) = await MemberAsync("bob", "admin");
        Assert.Equal(HttpStatusCode.OK, (await RemoveAsync(_admin, bob)).StatusCode);
        Assert.Null(await RoleAsync(bob));
    }

    [Fact]
    public async Task Remove_ByAMember_Is403()
    {
        var (_, bobClient) = await MemberAsync("bob");
        var (carol, _) = await MemberAsync("carol");
        await AssertStatusAsync(HttpStatusCode.Forbidden, RemoveAsync(bobClient, carol));
        Assert.Equal(OrganizationRole.Member, await RoleAsync(carol));
    }

    [Fact]
    public async Task Remove_ByAnotherTenant_Is404()
    {
        var (bob, _) = await MemberAsync("bob");
        var (_, dave) = await _app.SignedInUserAsync("dave");
        var (otherOrg, otherKey) = await OrgKeysApp.CreateOrganizationAsync(dave, "Other");
        using var withOtherKey = _app.ClientWithKey(otherKey);

        await AssertStatusAsync(HttpStatusCode.NotFound, RemoveAsync(dave, bob));
        await AssertStatusAsync(HttpStatusCode.NotFound, RemoveAsync(withOtherKey, bob));
        // Through their own organization, where bob is not a member.
        await AssertStatusAsync(HttpStatusCode.NotFound, RemoveAsync(dave, bob, otherOrg));
        Assert.Equal(OrganizationRole.Member, await RoleAsync(bob));
    }

    [Fact]
    public async Task Remove_SomeoneWhoIsNotAMember_Is404_AndAMissingId_Is400()
    {
        var bob = await _app.CreateUserAsync("bob");
        await AssertStatusAsync(HttpStatusCode.NotFound, RemoveAsync(_admin, bob));
        var response = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRole_TakesEffectAtOnce()
    {
        var (bob, bobClient) = await MemberAsync("bob");
        await AssertStatusAsync(HttpStatusCode.Forbidden, bobClient.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = "k", role = "admin" }));

        Assert.Equal(HttpStatusCode.OK, (await SetRoleAsync(_admin, bob, "admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bobClient.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = "k", role = "admin" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SetRoleAsync(_admin, bob, "guest")).StatusCode);
        await AssertStatusAsync(HttpStatusCode.Forbidden, bobClient.GetAsync($"/v1/api/organizations/{_org}/apikeys"));
    }

    [Fact]
    public async Task SetRole_DemotingTheLastAdmin_Is409()
    {
        var (bob, _) = await MemberAsync("bob");
        foreach (var role in new[] { "member", "guest" })
        {
            var response = await SetRoleAsync(_admin, _alice, role);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("admin", await response.ReadErrorAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(OrganizationRole.Admin, await RoleAsync(_alice));
        Assert.Equal(HttpStatusCode.OK, (await SetRoleAsync(_admin, _alice, "admin")).StatusCode);

        // With a second admin the first may step down.
        Assert.Equal(HttpStatusCode.OK, (await SetRoleAsync(_admin, bob, "admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SetRoleAsync(_admin, _alice, "member")).StatusCode);
        Assert.Equal(OrganizationRole.Member, await RoleAsync(_alice));
    }

    [Fact]
    public async Task SetRole_TwoAdminsDemotingEachOtherAtOnce_LeaveOneAdmin()
    {
        var (bob, bobClient) = await MemberAsync("bob", "admin");
        var clients = new Dictionary<int, HttpClient> { [_alice] = _admin, [bob] = bobClient };

        // A race is won or lost by timing, so run it a few times.
        for (var round = 0; round < 8; round++)
        {
            var responses = await Task.WhenAll(SetRoleAsync(_admin, bob, "member"), SetRoleAsync(bobClient, _alice, "member"));

            // One wins; the other finds either no other admin left (409) or that it is no longer an admin (403).
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Single(responses, r => r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden);
            var admins = await _app.WithDbAsync(db => db.Members
                .Where(m => m.OrganizationId == _org && m.Role == OrganizationRole.Admin).Select(m => m.UserId).ToListAsync());
            var admin = Assert.Single(admins);

            var other = admin == _alice ? bob : _alice;
            Assert.Equal(HttpStatusCode.OK, (await SetRoleAsync(clients[admin], other, "admin")).StatusCode);
        }
    }

    [Fact]
    public async Task SetRole_ByAMember_Is403()
    {
        var (bob, bobClient) = await MemberAsync("bob");
        await AssertStatusAsync(HttpStatusCode.Forbidden, SetRoleAsync(bobClient, bob, "admin"));
        await AssertStatusAsync(HttpStatusCode.Forbidden, SetRoleAsync(bobClient, _alice, "member"));
        Assert.Equal(OrganizationRole.Member, await RoleAsync(bob));
    }

    [Theory]
    [InlineData("""{"role":"owner"}""")]
    [InlineData("""{"role":"ADMIN"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"role":1}""")]
    public async Task SetRole_BadRole_Is400_AndChangesNothing(string json)
    {
        var (bob, _) = await MemberAsync("bob");
        var response = await _admin.PostAsync($"/v1/api/organizations/{_org}/members/{bob}/role", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("role", await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(OrganizationRole.Member, await RoleAsync(bob));
    }

    [Fact]
    public async Task SetRole_ByAnotherTenant_Is404_AndForANonMember_Is404()
    {
        var (bob, _) = await MemberAsync("bob");
        var (dave, daveClient) = await _app.SignedInUserAsync("dave");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(daveClient, "Other");

        await AssertStatusAsync(HttpStatusCode.NotFound, SetRoleAsync(daveClient, bob, "admin"));
        await AssertStatusAsync(HttpStatusCode.NotFound, SetRoleAsync(daveClient, bob, "admin", otherOrg));
        await AssertStatusAsync(HttpStatusCode.NotFound, SetRoleAsync(_admin, dave, "admin"));
        Assert.Equal(OrganizationRole.Member, await RoleAsync(bob));
        Assert.Null(await RoleAsync(dave));
    }
}
