using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary><c>rateLimits</c>, <c>credits</c> and <c>allowedIps</c> at creation: stored as given, and bad input is a 400 that names the field.</summary>
public class KeyRulesOnCreateTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private static readonly string[] Networks = ["203.0.113.0/24", "2001:DB8::/32"];
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

    private Task<HttpResponseMessage> AddRawAsync(string json) =>
        _admin.PostAsync($"/v1/api/organizations/{_org}/apikeys", new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<int> KeyCountAsync() => _app.WithDbAsync(db => db.ApiKeys.CountAsync());

    [Fact]
    public async Task KeyWithRules_StoresLimitsCreditsAndAllowlist_InCanonicalForm()
    {
        var response = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new
        {
            name = "limited",
            role = "member",
            rateLimits = new[] { new { name = "burst", limit = 10, windowSeconds = 1 }, new { name = "daily", limit = 1000, windowSeconds = 86400 } },
            credits = new { remaining = 500, refill = new { amount = 1000, interval = "monthly", refillDay = 15 } },
            allowedIps = Networks,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt32();

        var key = await _app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));
        Assert.Equal("""[{"name":"burst","limit":10,"windowSeconds":1},{"name":"daily","limit":1000,"windowSeconds":86400}]""", key.RateLimits);
        Assert.Equal("""["203.0.113.0/24","2001:db8::/32"]""", key.AllowedIps);
        Assert.Equal(500, key.CreditsRemaining);
        Assert.Equal(1000, key.CreditsRefillAmount);
        Assert.Equal("monthly", key.CreditsRefillInterval);
        Assert.Equal(15, key.CreditsRefillDay);
        var now = _app.Time.GetUtcNow().UtcDateTime;
        // The balance is labelled with when it was set: the first refill is the first 15th after that.
        Assert.NotNull(key.CreditsRefilledAt);
        Assert.Equal(now, key.CreditsRefilledAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task PlainKey_HasNoRules()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var key = await _app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));
        Assert.Null(key.RateLimits);
        Assert.Null(key.AllowedIps);
        Assert.Null(key.CreditsRemaining);
        Assert.Null(key.CreditsRefilledAt);
    }

    [Theory]
    [InlineData("""{"rateLimits":[{"name":"a","limit":0,"windowSeconds":1}]}""", "'rateLimits[0].limit'")]
    [InlineData("""{"rateLimits":[{"name":"a","limit":-5,"windowSeconds":1}]}""", "'rateLimits[0].limit'")]
    [InlineData("""{"rateLimits":[{"name":"a","limit":5,"windowSeconds":0}]}""", "'rateLimits[0].windowSeconds'")]
    [InlineData("""{"rateLimits":[{"name":"a","limit":5,"windowSeconds":86401}]}""", "'rateLimits[0].windowSeconds'")]
    [InlineData("""{"rateLimits":[{"limit":5,"windowSeconds":1}]}""", "'rateLimits[0].name'")]
    [InlineData("""{"rateLimits":[{"name":"a","limit":1,"windowSeconds":1},{"name":"b","limit":1,"windowSeconds":1},{"name":"c","limit":1,"windowSeconds":1},{"name":"d","limit":1,"windowSeconds":1},{"name":"e","limit":1,"windowSeconds":1},{"name":"f","limit":1,"windowSeconds":1}]}""", "'rateLimits' may hold at most 5")]
    [InlineData("""{"rateLimits":"lots"}""", "'rateLimits'")]
    [InlineData("""{"allowedIps":["203.0.113.0/33"]}""", "'allowedIps[0]'")]
    [InlineData("""{"allowedIps":["not an address"]}""", "'allowedIps[0]'")]
    [InlineData("""{"allowedIps":["203.0.113.7"]}""", "'allowedIps[0]'")]
    [InlineData("""{"allowedIps":[]}""", "'allowedIps'")]
    [InlineData("""{"credits":{"remaining":-1}}""", "'credits.remaining'")]
    [InlineData("""{"credits":"100"}""", "'credits'")]
    [InlineData("""{"credits":100}""", "'credits'")]
    [InlineData("""{"credits":{"remaining":"100"}}""", "'credits.remaining'")]
    [InlineData("""{"credits":{"remaining":1.5}}""", "'credits.remaining'")]
    [InlineData("""{"credits":{"remaining":10,"refill":{"amount":0,"interval":"daily"}}}""", "'credits.refill.amount'")]
    [InlineData("""{"credits":{"remaining":10,"refill":{"amount":10,"interval":"weekly"}}}""", "'credits.refill.interval'")]
    [InlineData("""{"credits":{"remaining":10,"refill":{"amount":10,"interval":"monthly","refillDay":32}}}""", "'credits.refill.refillDay'")]
    public async Task BadRule_Is400NamingTheField_AndCreatesNothing(string rules, string field)
    {
        var before = await KeyCountAsync();
        var json = """{"name":"k","role":"member",""" + rules[1..];
        var response = await AddRawAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Contains(field, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await KeyCountAsync());
    }
}
