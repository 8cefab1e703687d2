using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary>The full key policy: a new key that breaks it is refused, an old one is blocked until it is relaxed, and its defaults apply.</summary>
public class KeyPolicyTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private static readonly string[] OwnNetworks = ["192.0.2.0/24"];
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Policy(int? org = null) => $"/v1/api/organizations/{org ?? _org}/apikey-policy";

    private Task<HttpResponseMessage> SetPolicyAsync(string json, HttpClient? client = null) =>
        (client ?? _admin).PostAsync(Policy(), new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> AddKeyAsync(object body, HttpClient? client = null) =>
        (client ?? _admin).PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", body);

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string rule)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(rule, await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_ReadsBackEveryField_AndNullClearsThem()
    {
        var set = await SetPolicyAsync("""
            {"maxTtlSeconds":3600,"requireExpiry":true,"allowedRoles":["member"],
             "defaultRateLimits":[{"name":"rps","limit":10,"windowSeconds":1}],"defaultAllowedIps":["10.0.0.0/8"]}
            """);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var policy = (await (await _admin.GetAsync(Policy())).ReadJsonAsync()).GetProperty("policy");
        Assert.Equal(3600, policy.GetProperty("maxTtlSeconds").GetInt64());
        Assert.True(policy.GetProperty("requireExpiry").GetBoolean());
        Assert.Equal("member", policy.GetProperty("allowedRoles")[0].GetString());
        Assert.Equal(10, policy.GetProperty("defaultRateLimits")[0].GetProperty("limit").GetInt32());
        Assert.Equal("10.0.0.0/8", policy.GetProperty("defaultAllowedIps")[0].GetString());
        Assert.Equal("revoke", policy.GetProperty("onExposure").GetString());

        // Absent keeps, null clears.
        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""{"maxTtlSeconds":null,"allowedRoles":null}""")).StatusCode);
        policy = (await (await _admin.GetAsync(Policy())).ReadJsonAsync()).GetProperty("policy");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, policy.GetProperty("maxTtlSeconds").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, policy.GetProperty("allowedRoles").ValueKind);
        Assert.True(policy.GetProperty("requireExpiry").GetBoolean());
        Assert.Equal("10.0.0.0/8", policy.GetProperty("defaultAllowedIps")[0].GetString());
    }

    [Fact]
    public async Task NewKey_BreakingThePolicy_IsRefusedWithTheRule_ByUserAndByKey()
    {
        // A key that mints keys keeps the policy itself (one that breaks it is blocked before it can mint: below),
        // and what it mints cannot outlive it, so only a user can ask for a key that breaks the policy.
        var minter = await AddKeyAsync(new { name = "minter", role = "member", ttl = 3600 }, _admin);
        using var byKey = _app.ClientWithKey((await minter.ReadJsonAsync()).GetProperty("apiKey").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""{"requireExpiry":true,"maxTtlSeconds":3600,"allowedRoles":["member"]}""")).StatusCode);
        await AssertRefusedAsync(await AddKeyAsync(new { name = "forever", role = "member" }), "(requireExpiry)");
        await AssertRefusedAsync(await AddKeyAsync(new { name = "long", role = "member", ttl = 3601 }), "(maxTtlSeconds)");
        Assert.Equal(HttpStatusCode.OK, (await AddKeyAsync(new { name = "ok", role = "member", ttl = 3600 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AddKeyAsync(new { name = "ok", role = "member" }, byKey)).StatusCode);

        await AssertRefusedAsync(await AddKeyAsync(new { name = "admin", role = "admin", ttl = 60 }, _admin), "allowedRoles");
        using var blocked = _app.ClientWithKey(_adminKey);
        var refused = await AddKeyAsync(new { name = "admin", role = "admin", ttl = 60 }, blocked);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("blocked by the organization's key policy", await refused.ReadErrorAsync());

        Assert.Equal(2, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name == "ok")));
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name == "forever" || k.Name == "long" || k.Name == "admin")));
    }

    [Fact]
    public async Task Defaults_ApplyWhenTheRequestNamesNone_AndNotOtherwise()
    {
        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""
            {"defaultRateLimits":[{"name":"rps","limit":10,"windowSeconds":1}],"defaultAllowedIps":["10.0.0.0/8"]}
            """)).StatusCode);
        var (plain, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var own = await AddKeyAsync(new
        {
            name = "own",
            role = "member",
            rateLimits = new[] { new { name = "min", limit = 100, windowSeconds = 60 } },
            allowedIps = OwnNetworks,
        });
        var ownId = (await own.ReadJsonAsync()).GetProperty("id").GetInt32();
        var keys = await _app.WithDbAsync(db => db.ApiKeys.AsNoTracking().Where(k => k.Id == plain || k.Id == ownId).ToDictionaryAsync(k => k.Id));
        Assert.Equal("""[{"name":"rps","limit":10,"windowSeconds":1}]""", keys[plain].RateLimits);
        Assert.Equal("""["10.0.0.0/8"]""", keys[plain].AllowedIps);
        Assert.Equal("""[{"name":"min","limit":100,"windowSeconds":60}]""", keys[ownId].RateLimits);
        Assert.Equal("""["192.0.2.0/24"]""", keys[ownId].AllowedIps);
    }

    [Fact]
    public async Task StricterPolicy_ListsTheOldKeyAsBlocked_AndRelaxingItClearsThat()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""{"requireExpiry":true}""")).StatusCode);
        var listed = await ListedAsync(id);
        Assert.Contains("(requireExpiry)", listed.GetProperty("blockedBy").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""{"requireExpiry":false}""")).StatusCode);
        Assert.False((await ListedAsync(id)).TryGetProperty("blockedBy", out _));
    }

    /// <summary>Needs the enforcement gate (the lead's part of issue 17): the verifier marks the key, the gate refuses it.</summary>
    [Fact]
    public async Task StricterPolicy_BlocksAnOldKeyWith403NamingIt_AndRelaxingItUnblocks()
    {
        var (_, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""{"maxTtlSeconds":86400}""")).StatusCode);
        var blocked = await client.GetAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Contains("maxTtlSeconds", await blocked.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.RevokedAt != null)));

        Assert.Equal(HttpStatusCode.OK, (await SetPolicyAsync("""{"maxTtlSeconds":null}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    private async Task<System.Text.Json.JsonElement> ListedAsync(int id)
    {
        var body = await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync();
        return body.GetProperty("apiKeys").EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
    }

    [Theory]
    [InlineData("""{"maxTtlSeconds":0}""", "'maxTtlSeconds'")]
    [InlineData("""{"maxTtlSeconds":"3600"}""", "'maxTtlSeconds'")]
    [InlineData("""{"maxTtlSeconds":315576001}""", "'maxTtlSeconds'")]
    [InlineData("""{"requireExpiry":"yes"}""", "'requireExpiry'")]
    [InlineData("""{"allowedRoles":["guest"]}""", "'allowedRoles'")]
    [InlineData("""{"allowedRoles":[]}""", "'allowedRoles'")]
    [InlineData("""{"allowedRoles":"admin"}""", "'allowedRoles'")]
    [InlineData("""{"defaultRateLimits":[{"name":"a","limit":0,"windowSeconds":1}]}""", "'defaultRateLimits[0].limit'")]
    [InlineData("""{"defaultRateLimits":{"name":"a"}}""", "'defaultRateLimits'")]
    [InlineData("""{"defaultAllowedIps":["300.0.0.0/8"]}""", "'defaultAllowedIps[0]'")]
    [InlineData("""{"requireExpiry":true,"defaultAllowedIps":["10.0.0.0/8","nope"]}""", "'defaultAllowedIps[1]'")]
    public async Task BadPolicy_Is400NamingTheField_AndChangesNothing(string json, string field)
    {
        var response = await SetPolicyAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeyPolicies.CountAsync()));
    }

    [Fact]
    public async Task FullPolicy_CrossTenant_Gets404_AndMembersMayNotSetIt()
    {
        var (_, mallory) = await _app.SignedInUserAsync("mallory");
        Assert.Equal(HttpStatusCode.NotFound, (await SetPolicyAsync("""{"requireExpiry":true}""", mallory)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "mallory", "member")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SetPolicyAsync("""{"requireExpiry":true}""", mallory)).StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeyPolicies.CountAsync()));
    }
}
