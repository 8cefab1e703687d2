using System.Net;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.KeyLimits;

/// <summary>A key's sliding-window rate limits, in the API and in <c>/v1/auth/check</c> (fast path and endpoint alike).</summary>
public class RateLimitTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _alice = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.WaitForCacheAsync();
        (_, _alice) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_alice);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Theory]
    [InlineData("/v1/auth/check")]
    [InlineData("/v1/auth/check?organization={org}")]
    [InlineData("/v1/api/organizations/{org}")]
    public async Task TenPerSecond_RefusesTheEleventh_WithRetryAfterAndRateLimitFields(string path)
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        await _app.SetRulesAsync(id, rateLimits: """[{"name":"per-second","limit":10,"windowSeconds":1}]""");
        _app.AdvanceToWholeSecond();
        using var client = _app.ClientWithKey(key);
        var url = path.Replace("{org}", $"{_org}");
        for (var i = 0; i < 10; i++)
        {
            var admitted = await client.GetAsync(url);
            Assert.True(admitted.IsSuccessStatusCode, $"request {i + 1}: {admitted.StatusCode}");
            Assert.Equal("\"per-second\";q=10;w=1", Header(admitted, "RateLimit-Policy"));
            Assert.Equal($"\"per-second\";r={9 - i};t=1", Header(admitted, "RateLimit"));
        }

        var refused = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // At the next window the previous one still counts in full: one more fits 0.1 s into it.
        Assert.Equal("2", Header(refused, "Retry-After"));
        Assert.Equal("\"per-second\";q=10;w=1", Header(refused, "RateLimit-Policy"));
        Assert.Equal("\"per-second\";r=0;t=1", Header(refused, "RateLimit"));
        Assert.Contains("per-second", await refused.ReadErrorAsync());

        // A second later the previous window still counts in full; two seconds later it is gone.
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync(url)).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await client.GetAsync(url)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task SlidingWindow_CountsThePreviousWindowByHowMuchItStillCovers()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        await _app.SetRulesAsync(id, rateLimits: """[{"name":"minute","limit":10,"windowSeconds":60}]""");
        var start = _app.AdvanceToWholeSecond();
        _app.Time.SetUtcNow(new DateTimeOffset(start.Ticks - (start.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1));
        using var client = _app.ClientWithKey(key);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        }

        // 30 s into the next window half of the previous one still counts: 5 of 10, so 5 more fit.
        _app.Time.Advance(TimeSpan.FromSeconds(90));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.GetAsync("/v1/auth/check")).StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task AThousandConcurrentRequests_AgainstALimitOf100_AdmitAtMost100()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        await _app.SetRulesAsync(id, rateLimits: """[{"name":"burst","limit":100,"windowSeconds":3600}]""");
        using var client = _app.ClientWithKey(key);
        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.GetAsync("/v1/auth/check")));
        var admitted = responses.Count(r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.Equal(1000 - admitted, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.InRange(admitted, 1, 100);
        // On one node (and on PostgreSQL's reservations, with nothing held elsewhere) exactly the limit.
        Assert.Equal(100, admitted);
    }

    [Fact]
    public async Task EveryLimitCounts_TheOneThatRefusesIsNamed()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        await _app.SetRulesAsync(id, rateLimits: """[{"name":"burst","limit":5,"windowSeconds":1},{"name":"hourly","limit":7,"windowSeconds":3600}]""");
        _app.AdvanceToWholeSecond();
        using var client = _app.ClientWithKey(key);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        }

        var burst = await client.GetAsync("/v1/auth/check");
        Assert.Equal(HttpStatusCode.TooManyRequests, burst.StatusCode);
        Assert.Contains("'burst'", await burst.ReadErrorAsync());
        Assert.Equal("\"burst\";q=5;w=1, \"hourly\";q=7;w=3600", Header(burst, "RateLimit-Policy"));
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        var hourly = await client.GetAsync("/v1/auth/check");
        Assert.Equal(HttpStatusCode.TooManyRequests, hourly.StatusCode);
        Assert.Contains("'hourly'", await hourly.ReadErrorAsync());
        Assert.True(long.Parse(Header(hourly, "Retry-After")) > 60);
    }

    [Fact]
    public async Task AnotherKeyOfTheOrganization_IsNotLimited_AndAKeyWithoutLimitsGetsNoHeaders()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        var (_, free) = await _alice.AddKeyAsync(_org, new { name = "free", role = "admin" });
        await _app.SetRulesAsync(id, rateLimits: """[{"name":"one","limit":1,"windowSeconds":3600}]""");
        using var limited = _app.ClientWithKey(key);
        using var unlimited = _app.ClientWithKey(free);
        Assert.Equal(HttpStatusCode.NoContent, (await limited.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await limited.GetAsync("/v1/auth/check")).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            var response = await unlimited.GetAsync("/v1/auth/check");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit"));
        }
    }

    [Fact]
    public async Task ARefusedKey_RaisesApikeyRateLimited_AtMostOnceAMinute_ThroughTheOutbox()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        await _app.SetRulesAsync(id, rateLimits: """[{"name":"hourly","limit":1,"windowSeconds":3600}]""");
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        }

        await WaitForEventsAsync(1);
        _app.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);
        await WaitForEventsAsync(2);
        var detail = await _app.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "apikey.rate_limited").Select(e => e.Detail).FirstAsync());
        Assert.Equal("hourly", detail);
    }

    /// <summary>Waits up to 5 s for exactly <paramref name="count"/> events (audit entries with their outbox rows), then 200 ms more to see no extra.</summary>
    private async Task WaitForEventsAsync(int count)
    {
        async Task<(int Audited, int Staged)> CountAsync() => await _app.WithDbAsync(async db => (
            await db.AuditEntries.CountAsync(e => e.Action == "apikey.rate_limited"),
            await db.WebhookEvents.CountAsync(e => e.Type == "apikey.rate_limited")));
        for (var i = 0; i < 50 && (await CountAsync()).Audited < count; i++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(200);
        Assert.Equal((count, count), await CountAsync());
    }
}
