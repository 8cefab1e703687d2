using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication.Caching;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Caching;

/// <summary>Every change that takes a right away is in force on the next request, however warm the cache.</summary>
public class CacheInvalidationTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.WaitForCacheAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpStatusCode> GetOrganizationAsync(HttpClient client) =>
        (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode;

    private async Task<string[]> MembersShownAsync()
    {
        var body = await (await _admin.GetAsync($"/v1/api/organizations/{_org}")).ReadJsonAsync();
        return body.GetProperty("organization").GetProperty("users").EnumerateArray()
            .Select(u => $"{u.GetProperty("username").GetString()}:{u.GetProperty("role").GetString()}").ToArray();
    }

    [Fact]
    public async Task OrganizationInfo_IsServedFromTheCache_AndShowsEveryMemberChangeAtOnce()
    {
        var (bobId, _) = await _app.SignedInUserAsync("bob");
        await _app.SettleAsync();
        Assert.Equal(["alice:admin"], await MembersShownAsync());
        var commands = _app.Commands.Count;
        Assert.Equal(["alice:admin"], await MembersShownAsync());
        Assert.Equal(commands, _app.Commands.Count);

        await _app.JoinAsync(_admin, _org, "bob", "member");
        Assert.Equal(["alice:admin", "bob:member"], await MembersShownAsync());
        await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = "guest" });
        Assert.Equal(["alice:admin", "bob:guest"], await MembersShownAsync());
        await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = bobId });
        Assert.Equal(["alice:admin"], await MembersShownAsync());

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await GetOrganizationAsync(_admin));
    }

    [Fact]
    public async Task RevokedKey_IsRefusedAtOnce_AfterItWasCached()
    {
        var (id, key) = await _admin.AddKeyAsync(_org, new { name = "soon revoked", role = "member" });
        using var withKey = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{id}")).StatusCode);

        var refused = await withKey.GetAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", await refused.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedMember_LosesAccessAtOnce()
    {
        var (bobId, bob) = await _app.SignedInUserAsync("bob");
        await _app.JoinAsync(_admin, _org, "bob", "member");
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(bob));
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(bob));

        var removed = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = bobId });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, await GetOrganizationAsync(bob));
    }

    [Fact]
    public async Task AddedMember_GainsAccessAtOnce_AfterBeingRefused()
    {
        var (_, carol) = await _app.SignedInUserAsync("carol");
        Assert.Equal(HttpStatusCode.NotFound, await GetOrganizationAsync(carol));

        await _app.JoinAsync(_admin, _org, "carol", "guest");

        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(carol));
    }

    [Fact]
    public async Task DemotedMember_LosesTheRoleAtOnce()
    {
        var (bobId, bob) = await _app.SignedInUserAsync("bob");
        await _app.JoinAsync(_admin, _org, "bob", "member");
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);

        await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = "guest" });

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
    }

    [Fact]
    public async Task DeletedOrganization_StopsItsKeysAtOnce()
    {
        var (_, key) = await _admin.AddKeyAsync(_org, new { name = "member key", role = "member" });
        using var withKey = _app.ClientWithKey(key);
        using var withAdminKey = _app.ClientWithKey(_adminKey);
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));

        Assert.Equal(HttpStatusCode.OK, (await withAdminKey.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await GetOrganizationAsync(withKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetOrganizationAsync(withAdminKey));
        Assert.Equal(HttpStatusCode.NotFound, await GetOrganizationAsync(_admin));
    }

    [Fact]
    public async Task CachedKey_ExpiresToTheSecond()
    {
        var (_, key) = await _admin.AddKeyAsync(_org, new { name = "ten seconds", role = "member", ttl = 10 });
        using var withKey = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));

        _app.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        var refused = await withKey.GetAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("expired", await refused.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCustomKey_WorksAtOnce_WhenCreated()
    {
        const string custom = "ei_not-yet-created-custom-key-0123456789";
        using var withKey = _app.ClientWithKey(custom);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetOrganizationAsync(withKey));

        await _admin.AddKeyAsync(_org, new { name = "custom", role = "member", apiKey = custom });

        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));
    }

    [Fact]
    public async Task DisabledUser_IsRefusedAtOnce_WhenTheChangeIsPublished()
    {
        var (bobId, bob) = await _app.SignedInUserAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/v1/api/user")).StatusCode);

        // No endpoint disables users yet; whatever does must publish the change like this.
        await _app.WithDbAsync(async db =>
        {
            await db.Users.Where(u => u.Id == bobId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true));
            await _app.Cache().PublishAsync(AuthChange.User(bobId), db);
            return 0;
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await bob.GetAsync("/v1/api/user")).StatusCode);
    }

    [Fact]
    public async Task NotifyFromAnotherNode_DropsTheCachedKey()
    {
        if (!TestPostgres.Enabled)
        {
            return; // LISTEN/NOTIFY is PostgreSQL only
        }

        var (id, key) = await _admin.AddKeyAsync(_org, new { name = "elsewhere", role = "member" });
        using var withKey = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, await GetOrganizationAsync(withKey));

        // Another node revokes: the database changes and a NOTIFY arrives, nothing else.
        var now = _app.Time.GetUtcNow().UtcDateTime;
        await _app.WithDbAsync(async db =>
        {
            await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now));
            return await db.Database.ExecuteSqlAsync($"SELECT pg_notify({AuthCache.Channel}, {AuthChange.ApiKey(id).Format()})");
        });

        var status = HttpStatusCode.OK;
        for (var waited = 0; waited < 1000 && status == HttpStatusCode.OK; waited += 50)
        {
            await Task.Delay(50);
            status = await GetOrganizationAsync(withKey);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
