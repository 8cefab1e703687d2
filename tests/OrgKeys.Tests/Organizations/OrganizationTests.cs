using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Organizations;

public class OrganizationTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
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

    private Task<int> OrganizationCountAsync() => _app.WithDbAsync(db => db.Organizations.CountAsync());

    private static async Task<int[]> ListIdsAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v1/api/organizations");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetInt32())];
    }

    private async Task<(int Id, HttpClient Client)> OtherTenantAsync()
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other");
        return (otherOrg, bob);
    }

    [Fact]
    public async Task Create_MakesTheCallerItsAdmin_AndReturnsAWorkingAdminKey()
    {
        var response = await _admin.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = "  Globex  " });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        var id = body.GetProperty("id").GetInt32();
        var key = body.GetProperty("apiKey").GetString()!;
        Assert.Matches("^ei_[0-9a-f]{64}$", key);

        var info = (await (await _admin.GetAsync($"/v1/api/organizations/{id}")).ReadJsonAsync()).GetProperty("organization");
        Assert.Equal("Globex", info.GetProperty("name").GetString());
        var user = Assert.Single(info.GetProperty("users").EnumerateArray());
        Assert.Equal(_alice, user.GetProperty("id").GetInt32());
        Assert.Equal("admin", user.GetProperty("role").GetString());

        // The key acts as the new organization, with the admin role.
        using var withKey = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withKey.PostAsJsonAsync($"/v1/api/organizations/{id}/apikeys", new { name = "k", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"organizationName":null}""")]
    [InlineData("""{"organizationName":""}""")]
    [InlineData("""{"organizationName":"   "}""")]
    [InlineData("""{"organizationName":5}""")]
    [InlineData("""{"organizationName":["Acme"]}""")]
    public async Task Create_BadBody_Is400_NamingTheField_AndCreatesNothing(string json)
    {
        var before = await OrganizationCountAsync();
        var response = await _admin.PostAsync("/v1/api/organizations/create", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("organizationName", await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await OrganizationCountAsync());
    }

    [Fact]
    public async Task Create_NameOf129Characters_Is400_And128IsAccepted()
    {
        var refused = await _admin.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = new string('o', 129) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("organizationName", await refused.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = new string('o', 128) })).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{bad json")]
    [InlineData("null")]
    [InlineData("[]")]
    public async Task Create_MissingOrMalformedBody_Is400(string json)
    {
        var before = await OrganizationCountAsync();
        var response = await _admin.PostAsync("/v1/api/organizations/create", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(before, await OrganizationCountAsync());
    }

    [Fact]
    public async Task Create_WithAnApiKey_Is404_AndCreatesNothing()
    {
        using var withKey = _app.ClientWithKey(_adminKey);
        var before = await OrganizationCountAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await withKey.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = "ByKey" })).StatusCode);
        Assert.Equal(before, await OrganizationCountAsync());
    }

    [Fact]
    public async Task List_ShowsOnlyTheCallersOrganizations()
    {
        var (otherOrg, bob) = await OtherTenantAsync();
        Assert.Equal([_org], await ListIdsAsync(_admin));
        Assert.Equal([otherOrg], await ListIdsAsync(bob));

        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(bob, otherOrg, "alice", "guest")).StatusCode);
        Assert.Equal([_org, otherOrg], await ListIdsAsync(_admin));
    }

    [Fact]
    public async Task List_LeavesOutDeletedOrganizations()
    {
        var (second, _) = await OrgKeysApp.CreateOrganizationAsync(_admin, "Second");
        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal([second], await ListIdsAsync(_admin));
    }

    [Fact]
    public async Task List_WithAnApiKey_Is404()
    {
        using var withKey = _app.ClientWithKey(_adminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await withKey.GetAsync("/v1/api/organizations")).StatusCode);
    }

    [Fact]
    public async Task Get_ByAMember_HasTheContractShape()
    {
        var response = await _admin.GetAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        var organization = body.GetProperty("organization");
        Assert.Equal(_org, organization.GetProperty("id").GetInt32());
        Assert.Equal("Acme", organization.GetProperty("name").GetString());
        Assert.False(organization.GetProperty("isDeveloperProfile").GetBoolean());
        Assert.Equal("alice@example.com", Assert.Single(organization.GetProperty("users").EnumerateArray()).GetProperty("email").GetString());
        Assert.Empty(body.GetProperty("datasets").EnumerateArray());
        Assert.True(body.GetProperty("defaultComputeLimits").TryGetProperty("limitsMemory", out _));
        Assert.Empty(body.GetProperty("cliLists").GetProperty("objectDetectionLastLayerOptions").EnumerateArray());
        Assert.True(body.GetProperty("performance").TryGetProperty("jobLimitM", out _));
    }

    /// <summary>The body is serialized once per cached view: a change replaces the view, and so the body.</summary>
    [Fact]
    public async Task Get_AfterAMemberJoins_ShowsTheMember_NotTheBodyMadeBefore()
    {
        string[] Emails(System.Text.Json.JsonElement body) =>
            [.. body.GetProperty("organization").GetProperty("users").EnumerateArray().Select(u => u.GetProperty("email").GetString()!).Order()];
        var before = await (await _admin.GetAsync($"/v1/api/organizations/{_org}")).ReadJsonAsync();
        Assert.Equal(["alice@example.com"], Emails(before));
        Assert.Equal(["alice@example.com"], Emails(await (await _admin.GetAsync($"/v1/api/organizations/{_org}")).ReadJsonAsync()));

        await _app.SignedInUserAsync("gina");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "gina", "member")).StatusCode);

        var after = await _admin.GetAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(["alice@example.com", "gina@example.com"], Emails(await after.ReadJsonAsync()));
        Assert.Equal(after.Content.Headers.ContentLength, (await after.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Get_ByAGuestOrAMemberKey_Works()
    {
        var (_, guest) = await _app.SignedInUserAsync("gina");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "gina", "guest")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guest.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);

        var (_, memberKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var withKey = _app.ClientWithKey(memberKey);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task Get_ByANonMember_Is404_SameAsForAMissingOrganization()
    {
        var (_, bob) = await OtherTenantAsync();
        var existing = await bob.GetAsync($"/v1/api/organizations/{_org}");
        var missing = await bob.GetAsync("/v1/api/organizations/999999");
        Assert.Equal(HttpStatusCode.NotFound, existing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(await missing.ReadErrorAsync(), await existing.ReadErrorAsync());
    }

    [Fact]
    public async Task Get_WithAKeyOfAnotherOrganization_Is404()
    {
        var (otherOrg, bob) = await OtherTenantAsync();
        var (_, otherKey) = await OrgKeysApp.CreateKeyAsync(bob, otherOrg, role: "admin");
        using var withOtherKey = _app.ClientWithKey(otherKey);
        Assert.Equal(HttpStatusCode.NotFound, (await withOtherKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task Delete_ByAnAdmin_SoftDeletes_AndTheOrganizationDisappears()
    {
        _app.Time.Advance(TimeSpan.FromHours(1));
        var deletedAt = _app.AdvanceToWholeSecond();
        var response = await _admin.DeleteAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("success").GetBoolean());

        // The row stays, marked deleted; to every caller the organization is gone.
        Assert.Equal(deletedAt, await _app.WithDbAsync(db => db.Organizations.Where(o => o.Id == _org).Select(o => o.DeletedDate).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
        using var withKey = _app.ClientWithKey(_adminKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task Delete_ByAnAdminKey_Works()
    {
        using var withKey = _app.ClientWithKey(_adminKey);
        Assert.Equal(HttpStatusCode.OK, (await withKey.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task Delete_ByAMemberOrAMemberKey_Is403_AndDeletesNothing()
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "bob", "member")).StatusCode);
        var (_, memberKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var withMemberKey = _app.ClientWithKey(memberKey);

        foreach (var client in new[] { bob, withMemberKey })
        {
            var response = await client.DeleteAsync($"/v1/api/organizations/{_org}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.NotEmpty(await response.ReadErrorAsync());
        }

        Assert.Null(await _app.WithDbAsync(db => db.Organizations.Where(o => o.Id == _org).Select(o => o.DeletedDate).SingleAsync()));
    }

    [Fact]
    public async Task Delete_ByAnotherTenant_Is404_AndDeletesNothing()
    {
        var (otherOrg, bob) = await OtherTenantAsync();
        var (_, otherKey) = await OrgKeysApp.CreateKeyAsync(bob, otherOrg, role: "admin");
        using var withOtherKey = _app.ClientWithKey(otherKey);

        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await withOtherKey.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }
}
