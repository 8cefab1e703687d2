using System.Net;
using OrgKeys.ApiKeys;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary>When a key stops working: revoked, expired, its organization deleted, or never valid at all.</summary>
public class ApiKeyLifecycleTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> UseAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        return await client.GetAsync($"/v1/api/organizations/{_org}");
    }

    private async Task AssertRefusedAsync(string key, string message)
    {
        var response = await UseAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(message, await response.ReadErrorAsync());
    }

    [Fact]
    public async Task RevokedKey_IsRefused_OnTheVeryNextRequest()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await UseAsync(key)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{id}")).StatusCode);
        await AssertRefusedAsync(key, "This API key has been revoked.");
    }

    [Fact]
    public async Task KeyWithTtl_WorksOneSecondBeforeItsExpiry_AndIsRefusedAtThatSecond()
    {
        var created = _app.AdvanceToWholeSecond();
        var (_, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: 60);

        _app.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, (await UseAsync(key)).StatusCode);

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(created.AddSeconds(60), _app.Time.GetUtcNow().UtcDateTime);
        await AssertRefusedAsync(key, "This API key has expired.");
    }

    [Fact]
    public async Task KeyWithoutTtl_NeverExpires()
    {
        var (_, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        _app.Time.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(HttpStatusCode.OK, (await UseAsync(key)).StatusCode);
    }

    [Fact]
    public async Task KeysOfASoftDeletedOrganization_AreRefused()
    {
        var (_, admin) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "admin");
        var (_, member) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await UseAsync(member)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}")).StatusCode);
        foreach (var key in new[] { admin, member })
        {
            await AssertRefusedAsync(key, "Invalid API key.");
        }
    }

    [Fact]
    public async Task KeyWithAWrongChecksum_IsRefused_WithoutASingleSqlCommand()
    {
        var key = ApiKeyFormat.Generate();
        var mistyped = key[..^1] + (key[^1] == '0' ? '1' : '0');

        var before = _app.Commands.Count;
        await AssertRefusedAsync(mistyped, "Invalid API key.");
        Assert.Equal(before, _app.Commands.Count);

        // The control: a key that passes the checksum does reach the database, and the counter sees it.
        await AssertRefusedAsync(key, "Invalid API key.");
        Assert.True(_app.Commands.Count > before);
    }

    [Fact]
    public async Task RevokedKey_IsNotListed()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{id}");
        var keys = (await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync()).GetProperty("apiKeys");
        Assert.DoesNotContain(keys.EnumerateArray(), k => k.GetProperty("id").GetInt32() == id);
    }

    [Fact]
    public async Task KeyMintedByAnExpiringKey_GetsItsCreatorsExpiry_OrItsOwnIfSooner()
    {
        var created = _app.AdvanceToWholeSecond();
        var (_, creator) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "admin", ttl: 600);
        using var withCreator = _app.ClientWithKey(creator);
        var (longer, _) = await OrgKeysApp.CreateKeyAsync(withCreator, _org, ttl: 3600);
        var (forever, _) = await OrgKeysApp.CreateKeyAsync(withCreator, _org);
        var (sooner, _) = await OrgKeysApp.CreateKeyAsync(withCreator, _org, ttl: 60);

        var keys = (await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync()).GetProperty("apiKeys")
            .EnumerateArray().ToDictionary(k => k.GetProperty("id").GetInt32());
        Assert.Equal(created.AddSeconds(600), keys[longer].GetProperty("expires").GetDateTime());
        Assert.Equal(created.AddSeconds(600), keys[forever].GetProperty("expires").GetDateTime());
        Assert.Equal(created.AddSeconds(60), keys[sooner].GetProperty("expires").GetDateTime());
    }
}
