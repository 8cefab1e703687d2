using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary><c>POST …/apikeys/{id}</c>: absent keeps, null clears, the secret and the role never change, and only admins of the key's organization may.</summary>
public class KeyUpdateTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
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

    private Task<HttpResponseMessage> UpdateAsync(int id, string json, HttpClient? client = null, int? org = null) =>
        (client ?? _admin).PostAsync($"/v1/api/organizations/{org ?? _org}/apikeys/{id}", new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<ApiKey> KeyAsync(int id) => _app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));

    [Fact]
    public async Task Update_SetsWhatIsGiven_KeepsWhatIsAbsent_ClearsWhatIsNull_AndNeverTheRoleOrSecret()
    {
        var (id, secret) = await OrgKeysApp.CreateKeyAsync(_admin, _org, name: "before");
        var before = await KeyAsync(id);
        var response = await UpdateAsync(id, """
            {"name":"after","role":"admin","apiKey":"ei_my-own-custom-key-0123456789abcdef",
             "rateLimits":[{"name":"rps","limit":10,"windowSeconds":1}],"credits":{"remaining":50,"refill":{"amount":50,"interval":"daily"}},
             "allowedIps":["198.51.100.0/24"]}
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = await KeyAsync(id);
        Assert.Equal("after", key.Name);
        Assert.Equal(OrganizationRole.Member, key.Role);
        Assert.Equal(before.KeyHash, key.KeyHash);
        Assert.Equal("""[{"name":"rps","limit":10,"windowSeconds":1}]""", key.RateLimits);
        Assert.Equal(50, key.CreditsRemaining);
        Assert.Equal("daily", key.CreditsRefillInterval);
        // A new balance is labelled with when it was set: nodes drop credits they hold from the old one.
        Assert.Equal(_app.Time.GetUtcNow().UtcDateTime, key.CreditsRefilledAt!.Value, TimeSpan.FromMilliseconds(1)); // PostgreSQL keeps microseconds
        Assert.Equal("""["198.51.100.0/24"]""", key.AllowedIps);
        Assert.Equal(1, await _app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "apikey.update" && a.ApiKeyId == id)));

        Assert.Equal(HttpStatusCode.OK, (await UpdateAsync(id, """{"credits":null,"allowedIps":null}""")).StatusCode);
        key = await KeyAsync(id);
        Assert.Null(key.CreditsRemaining);
        Assert.Null(key.CreditsRefillInterval);
        Assert.Null(key.CreditsRefilledAt);
        Assert.Null(key.AllowedIps);
        Assert.Equal("after", key.Name);
        Assert.NotNull(key.RateLimits);

        Assert.Equal(HttpStatusCode.OK, (await UpdateAsync(id, """{"rateLimits":null}""")).StatusCode);
        Assert.Null((await KeyAsync(id)).RateLimits);
        using var withKey = _app.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task Update_ShowsInTheListing()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await UpdateAsync(id, """
            {"rateLimits":[{"name":"rps","limit":10,"windowSeconds":1}],"credits":{"remaining":7},"allowedIps":["198.51.100.0/24"]}
            """)).StatusCode);
        var listed = (await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync())
            .GetProperty("apiKeys").EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
        Assert.Equal("rps", listed.GetProperty("rateLimits")[0].GetProperty("name").GetString());
        Assert.Equal(7, listed.GetProperty("credits").GetProperty("remaining").GetInt64());
        Assert.Equal("198.51.100.0/24", listed.GetProperty("allowedIps")[0].GetString());
    }

    [Fact]
    public async Task ListedCredits_ShowTheRefill_OnceARefillBoundaryPassed()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await UpdateAsync(id, """{"credits":{"remaining":3,"refill":{"amount":100,"interval":"daily"}}}""")).StatusCode);
        _app.Time.Advance(TimeSpan.FromDays(1));
        var listed = (await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync())
            .GetProperty("apiKeys").EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
        Assert.Equal(100, listed.GetProperty("credits").GetProperty("remaining").GetInt64());
        Assert.Equal("daily", listed.GetProperty("credits").GetProperty("refill").GetProperty("interval").GetString());
    }

    [Theory]
    [InlineData("{}", "Give at least one")]
    [InlineData("""{"name":null}""", "'name'")]
    [InlineData("""{"name":""}""", "'name'")]
    [InlineData("""{"name":5}""", "'name'")]
    [InlineData("""{"name":"a\nb"}""", "'name'")]
    [InlineData("""{"rateLimits":[{"name":"a","limit":0,"windowSeconds":1}]}""", "'rateLimits[0].limit'")]
    [InlineData("""{"rateLimits":[{"name":"a","limit":1,"windowSeconds":1},{"name":"b","limit":1,"windowSeconds":1},{"name":"c","limit":1,"windowSeconds":1},{"name":"d","limit":1,"windowSeconds":1},{"name":"e","limit":1,"windowSeconds":1},{"name":"f","limit":1,"windowSeconds":1}]}""", "at most 5")]
    [InlineData("""{"rateLimits":{"name":"a"}}""", "'rateLimits'")]
    [InlineData("""{"credits":{"remaining":-1}}""", "'credits.remaining'")]
    [InlineData("""{"credits":"lots"}""", "'credits'")]
    [InlineData("""{"credits":{"remaining":"10"}}""", "'credits'")]
    [InlineData("""{"allowedIps":["10.0.0.0/40"]}""", "'allowedIps[0]'")]
    [InlineData("""{"allowedIps":"10.0.0.0/8"}""", "'allowedIps'")]
    [InlineData("""{"name":"ok","allowedIps":["bad"]}""", "'allowedIps[0]'")]
    public async Task BadUpdate_Is400NamingTheField_AndChangesNothing(string json, string field)
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, name: "unchanged");
        var response = await UpdateAsync(id, json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        var key = await KeyAsync(id);
        Assert.Equal("unchanged", key.Name);
        Assert.Null(key.AllowedIps);
        Assert.Null(key.RateLimits);
    }

    [Fact]
    public async Task AnotherOrganizationsKey_Is404_AndUnchanged_AndMembersMayNotUpdate()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, name: "unchanged");
        var (_, olga) = await _app.SignedInUserAsync("olga");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(olga, "Other");
        Assert.Equal(HttpStatusCode.NotFound, (await UpdateAsync(id, """{"name":"stolen"}""", olga, otherOrg)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UpdateAsync(id, """{"name":"stolen"}""", olga)).StatusCode);

        var (_, mallory) = await _app.SignedInUserAsync("mallory");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "mallory", "member")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await UpdateAsync(id, """{"name":"stolen"}""", mallory)).StatusCode);
        Assert.Equal("unchanged", (await KeyAsync(id)).Name);
    }

    [Fact]
    public async Task RevokedKey_CannotBeUpdated()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, name: "unchanged");
        (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{id}")).EnsureSuccessStatusCode();
        var response = await UpdateAsync(id, """{"name":"again"}""");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("revoked", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/api/organizations/{organizationId}/apikeys/{apiKeyId}", "post", "updateOrganizationApiKey")]
    [InlineData("/v1/api/organizations/{organizationId}/apikeys/{apiKeyId}/roll", "post", "rollOrganizationApiKey")]
    [InlineData("/v1/api/organizations/{organizationId}/whitelabel/organizations/{innerOrganizationId}/apiKeys/{apiKeyId}", "post", "whitelabelAdminUpdateOrganizationApiKey")]
    [InlineData("/v1/api/organizations/{organizationId}/whitelabel/organizations/{innerOrganizationId}/apiKeys/{apiKeyId}/roll", "post", "whitelabelAdminRollOrganizationApiKey")]
    public async Task LifecycleEndpoints_AreMarkedAsExtensions_InTheOpenApiDocument(string path, string method, string operationId)
    {
        using var client = _app.CreateClient();
        var answer = await client.GetAsync(new Uri("/v1/openapi.json", UriKind.Relative));
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        var document = await answer.ReadJsonAsync();
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item),
            string.Join(" ", document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Where(p => p.Contains("piKeys", StringComparison.OrdinalIgnoreCase))));
        var operation = item.GetProperty(method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.Contains("OrgKeys extension", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
