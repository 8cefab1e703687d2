using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.SecretScanning;

/// <summary>Disclosure by anyone, and the organization's exposure policy.</summary>
public class LeakedKeysTests(ScanningApp shared) : IClassFixture<ScanningApp>, IAsyncLifetime
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

    private async Task<HttpStatusCode> UseAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        return (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode;
    }

    private string Policy(int? org = null) => $"/v1/api/organizations/{org ?? _org}/apikey-policy";

    [Fact]
    public async Task Disclosure_RevokesTheKeysGiven_AndAnswersAlikeForUnknownKeys()
    {
        var (first, key1) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (_, key2) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (_, untouched) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var anyone = _app.CreateClient();

        var real = await anyone.PostAsJsonAsync("/v1/leaked-keys", new { keys = new[] { key1, key2 }, url = "https://pastebin.example/x", source = "a kind stranger" });
        var unknown = await anyone.PostAsJsonAsync("/v1/leaked-keys", new { keys = new[] { "ei_" + new string('0', 64), "ei_not-a-key-at-all-but-long-enough" } });
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(real.StatusCode, unknown.StatusCode);
        Assert.Equal("{\"success\":true}", await real.Content.ReadAsStringAsync());
        Assert.Equal(await real.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key1));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key2));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(untouched));
        var exposure = await _app.WithDbAsync(db => db.ApiKeyExposures.OrderBy(e => e.Id).FirstAsync());
        Assert.Equal((first, "revoked", "disclosure: a kind stranger", "https://pastebin.example/x"), (exposure.ApiKeyId, exposure.Action, exposure.Source, exposure.Url));
        Assert.Equal(2, await _app.WithDbAsync(db => db.ApiKeyExposures.CountAsync()));
    }

    public static TheoryData<string> BadDisclosures => new()
    {
        "{}",
        "{\"keys\": []}",
        "{\"keys\": \"ei_x\"}",
        "{\"keys\": [null]}",
        "{\"keys\": [\"ei_x\"], \"url\": \"javascript:alert(1)\"}",
        $"{{\"keys\": [\"ei_x\"], \"source\": \"{new string('s', 65)}\"}}",
        $"{{\"keys\": [{string.Join(",", Enumerable.Repeat("\"ei_x\"", 101))}]}}",
    };

    [Theory]
    [MemberData(nameof(BadDisclosures))]
    public async Task Disclosure_BadInput_Gets400(string json)
    {
        var (_, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var anyone = _app.CreateClient();
        var response = await anyone.PostAsync("/v1/leaked-keys", new StringContent(json.Replace("ei_x", key, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task Disclosure_IsThrottledPerAddress()
    {
        await using var app = new OrgKeysApp(new() { ["OrgKeys:SecretScanning:DisclosuresPerMinute"] = "2" });
        using var anyone = app.CreateClient();
        var body = new { keys = new[] { "ei_" + new string('0', 64) } };
        Assert.Equal(HttpStatusCode.OK, (await anyone.PostAsJsonAsync("/v1/leaked-keys", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anyone.PostAsJsonAsync("/v1/leaked-keys", body)).StatusCode);
        var third = await anyone.PostAsJsonAsync("/v1/leaked-keys", body);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
    }

    [Fact]
    public async Task Policy_DefaultsToRevoke_AdminSetsNotify_Audited()
    {
        var policy = await (await _admin.GetAsync(Policy())).ReadJsonAsync();
        Assert.Equal("revoke", policy.GetProperty("policy").GetProperty("onExposure").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync(Policy(), new { onExposure = "notify" })).StatusCode);
        policy = await (await _admin.GetAsync(Policy())).ReadJsonAsync();
        Assert.True(policy.GetProperty("success").GetBoolean());
        Assert.Equal("notify", policy.GetProperty("policy").GetProperty("onExposure").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync(Policy(), new { onExposure = "revoke" })).StatusCode);
        Assert.Equal(2, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "apikey.policy")));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"onExposure\": \"Revoke\"}")]
    [InlineData("{\"onExposure\": \"delete\"}")]
    [InlineData("{\"onExposure\": 1}")]
    [InlineData("{\"expiringNoticeDays\": -1}")]
    [InlineData("{\"expiringNoticeDays\": 91}")]
    [InlineData("{\"expiringNoticeDays\": \"seven\"}")]
    [InlineData("{\"expiringNoticeDays\": 3, \"onExposure\": \"delete\"}")]
    public async Task Policy_BadInput_Gets400_AndChangesNothing(string json)
    {
        var response = await _admin.PostAsync(Policy(), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeyPolicies.CountAsync()));
    }

    [Fact]
    public async Task Policy_CrossTenant_Gets404_AndMembersMayNotSetIt()
    {
        var (_, mallory) = await _app.SignedInUserAsync("mallory");
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync(Policy())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.PostAsJsonAsync(Policy(), new { onExposure = "notify" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "mallory", "member")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mallory.GetAsync(Policy())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mallory.PostAsJsonAsync(Policy(), new { onExposure = "notify" })).StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeyPolicies.CountAsync()));
    }
}
