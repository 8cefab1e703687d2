using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ForwardAuth;

public class ForwardAuthTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private const string Check = "/v1/auth/check";
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _alice = null!;
    private int _aliceId;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.WaitForCacheAsync();
        (_aliceId, _alice) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_alice);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Fact]
    public async Task NoCredential_Is401_InTheContractShape()
    {
        using var anonymous = _app.CreateClient();
        var response = await anonymous.GetAsync(Check);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
    }

    [Fact]
    public async Task ValidKey_Is204_AndNamesOrganizationRoleAndSubject()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "m", role = "member" });
        using var withKey = _app.ClientWithKey(key);
        var response = await withKey.GetAsync(Check);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(_org.ToString(), Header(response, "X-OrgKeys-Organization"));
        Assert.Equal("member", Header(response, "X-OrgKeys-Role"));
        Assert.Equal($"apikey:{id}", Header(response, "X-OrgKeys-Subject"));
    }

    [Theory]
    [InlineData("?organization={org}", HttpStatusCode.NoContent)]
    [InlineData("?organization={org}&role=admin", HttpStatusCode.NoContent)]
    [InlineData("?role=guest", HttpStatusCode.NoContent)]
    [InlineData("?organization={other}", HttpStatusCode.Forbidden)]
    [InlineData("?organization=999999", HttpStatusCode.Forbidden)]
    [InlineData("?organization=abc", HttpStatusCode.BadRequest)]
    [InlineData("?role=owner", HttpStatusCode.BadRequest)]
    public async Task AdminKey_AgainstTheQuery(string query, HttpStatusCode expected)
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        var (other, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other");
        using var withKey = _app.ClientWithKey(_adminKey);
        var response = await withKey.GetAsync(Check + query.Replace("{org}", $"{_org}").Replace("{other}", $"{other}"));
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.NoContent)
        {
            Assert.NotEmpty(await response.ReadErrorAsync());
        }
    }

    [Fact]
    public async Task MemberKey_AskedForAdmin_Is403()
    {
        var (_, key) = await _alice.AddKeyAsync(_org, new { name = "m", role = "member" });
        using var withKey = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await withKey.GetAsync($"{Check}?organization={_org}&role=member")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await withKey.GetAsync($"{Check}?organization={_org}&role=admin")).StatusCode);
    }

    [Fact]
    public async Task RevokedExpiredAndMadeUpKeys_Are401()
    {
        var (revokedId, revoked) = await _alice.AddKeyAsync(_org, new { name = "r", role = "member" });
        var (_, expiring) = await _alice.AddKeyAsync(_org, new { name = "e", role = "member", ttl = 5 });
        foreach (var key in new[] { revoked, expiring })
        {
            using var warm = _app.ClientWithKey(key);
            Assert.Equal(HttpStatusCode.NoContent, (await warm.GetAsync(Check)).StatusCode);
        }

        await _alice.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{revokedId}");
        _app.Time.Advance(TimeSpan.FromSeconds(5));
        foreach (var key in new[] { revoked, expiring, "ei_" + new string('0', 64), "ei_made-up-custom-key-that-nobody-created" })
        {
            using var withKey = _app.ClientWithKey(key);
            var response = await withKey.GetAsync(Check);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.NotEmpty(await response.ReadErrorAsync());
        }
    }

    [Fact]
    public async Task UserJwt_WithoutOrganization_NamesOnlyTheUser()
    {
        var response = await _alice.GetAsync(Check);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal($"user:{_aliceId}", Header(response, "X-OrgKeys-Subject"));
        Assert.Equal("", Header(response, "X-OrgKeys-Organization"));
        Assert.Equal(HttpStatusCode.Forbidden, (await _alice.GetAsync($"{Check}?role=guest")).StatusCode);
    }

    [Fact]
    public async Task UserJwt_WithOrganization_GetsTheirMembershipRole()
    {
        var response = await _alice.GetAsync($"{Check}?organization={_org}&role=admin");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(_org.ToString(), Header(response, "X-OrgKeys-Organization"));
        Assert.Equal("admin", Header(response, "X-OrgKeys-Role"));

        var (_, bob) = await _app.SignedInUserAsync("bob");
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"{Check}?organization={_org}")).StatusCode);
        await _app.JoinAsync(_alice, _org, "bob", "guest");
        Assert.Equal(HttpStatusCode.NoContent, (await bob.GetAsync($"{Check}?organization={_org}&role=guest")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"{Check}?organization={_org}&role=member")).StatusCode);
    }

    [Fact]
    public async Task JwtCookie_IsAccepted()
    {
        var token = await _app.LoginAsync("alice");
        using var withCookie = _app.ClientWith("Cookie", $"jwt={token}");
        Assert.Equal(HttpStatusCode.NoContent, (await withCookie.GetAsync($"{Check}?organization={_org}")).StatusCode);
    }

    [Fact]
    public async Task Bearer_IsRefused_EvenBesideAValidKey()
    {
        using var bearer = _app.ClientWith("Authorization", "Bearer some-oauth-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync(Check)).StatusCode);

        using var both = _app.ClientWithKey(_adminKey);
        both.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer some-oauth-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await both.GetAsync(Check)).StatusCode);
    }

    [Fact]
    public async Task CachedKeyAndSession_CheckWithoutSql()
    {
        await _app.SettleAsync();
        using var withKey = _app.ClientWithKey(_adminKey);
        Assert.Equal(HttpStatusCode.NoContent, (await withKey.GetAsync(Check)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.GetAsync($"{Check}?organization={_org}")).StatusCode);

        var before = _app.Commands.Count;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await withKey.GetAsync(Check)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await _alice.GetAsync($"{Check}?organization={_org}")).StatusCode);
        }

        Assert.Equal(before, _app.Commands.Count);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheCheck()
    {
        using var anonymous = _app.CreateClient();
        var document = await (await anonymous.GetAsync("/v1/openapi.json")).ReadJsonAsync();
        var operation = document.GetProperty("paths").GetProperty(Check).GetProperty("get");
        Assert.Equal("checkAuth", operation.GetProperty("operationId").GetString());
        Assert.True(operation.GetProperty("responses").TryGetProperty("204", out _));
    }
}
