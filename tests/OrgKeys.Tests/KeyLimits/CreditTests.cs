using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.KeyLimits;

/// <summary>Usage credits: spent one per request (N by <c>/v1/auth/check?cost=N</c>), refused at zero, refilled, never below zero.</summary>
public class CreditTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
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

    [Fact]
    public async Task EachRequestSpendsOne_ThenTheKeyIsRefusedWith429()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin" });
        await _app.SetRulesAsync(id, credits: 3);
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        foreach (var path in new[] { "/v1/auth/check", $"/v1/api/organizations/{_org}" })
        {
            var refused = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("credits are used up", await refused.ReadErrorAsync());
            Assert.False(refused.Headers.Contains("Retry-After")); // no refill: there is nothing to wait for
        }

        Assert.Equal(0, await _app.CreditsInDatabaseAsync(id));
    }

    [Fact]
    public async Task CheckCost_SpendsThatMany_AndABadCostIs400AndSpendsNothing()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin" });
        await _app.SetRulesAsync(id, credits: 10);
        using var client = _app.ClientWithKey(key);
        foreach (var bad in new[] { "0", "-1", "abc", "1.5", "1000001" })
        {
            var response = await client.GetAsync($"/v1/auth/check?cost={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("'cost'", await response.ReadErrorAsync());
        }

        var seven = await client.GetAsync("/v1/auth/check?cost=7");
        Assert.True(seven.StatusCode == HttpStatusCode.NoContent, await seven.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check?cost=4")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=3")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);
    }

    [Fact]
    public async Task DailyRefill_SetsTheCreditsBackAtMidnightUtc_AndRetryAfterSaysWhen()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin" });
        var now = _app.Time.GetUtcNow();
        _app.Time.SetUtcNow(new DateTimeOffset(now.UtcDateTime.Date.AddDays(1).AddHours(23), TimeSpan.Zero));
        await _app.SetRulesAsync(id, credits: 2, refillAmount: 5, refillInterval: "daily");
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=2")).StatusCode);
        var usedUp = await client.GetAsync("/v1/auth/check");
        Assert.Equal(HttpStatusCode.TooManyRequests, usedUp.StatusCode);
        Assert.Equal("3600", string.Join(",", usedUp.Headers.GetValues("Retry-After")));

        _app.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=5")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);
    }

    [Fact]
    public async Task ConcurrentSpending_NeverGoesBelowZero_NorAdmitsMoreThanThereWere()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin" });
        await _app.SetRulesAsync(id, credits: 250);
        using var client = _app.ClientWithKey(key);
        var responses = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => client.GetAsync(i % 3 == 0 ? "/v1/auth/check?cost=2" : "/v1/auth/check")));
        var spent = responses.Select((r, i) => r.StatusCode == HttpStatusCode.NoContent ? (i % 3 == 0 ? 2 : 1) : 0).Sum();
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.TooManyRequests }));
        Assert.InRange(spent, 249, 250); // a cost of 2 cannot spend a last single credit
        Assert.InRange(await _app.CreditsInDatabaseAsync(id) ?? -1, 0, 1);
    }

    [Fact]
    public async Task ANewBalanceSetWhileCreditsAreHeld_IsTheOneSpent()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin" });
        await _app.SetRulesAsync(id, credits: 1000);
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        Assert.True(await _app.CreditsInDatabaseAsync(id) < 999, "the node holds a reservation");

        _app.Time.Advance(TimeSpan.FromMilliseconds(1)); // a new balance is told apart by when it was set
        await _app.SetRulesAsync(id, credits: 1);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);
    }

    [Fact]
    public async Task ARolledKeyInItsGrace_SpendsFromTheBalanceThatMovedToItsSuccessor()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin", credits = new { remaining = 10 } });
        using var old = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await old.GetAsync("/v1/auth/check?cost=4")).StatusCode);

        var roll = await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys/{id}/roll", new { graceSeconds = 3600 });
        Assert.Equal(HttpStatusCode.OK, roll.StatusCode);
        using var successor = _app.ClientWithKey((await roll.ReadJsonAsync()).GetProperty("apiKey").GetString()!);

        // Six left between them, whichever key spends them; the old key's unspent reservation is not spent twice.
        var spent = 0;
        for (var i = 0; i < 10; i++)
        {
            spent += (await (i % 2 == 0 ? old : successor).GetAsync("/v1/auth/check")).StatusCode == HttpStatusCode.NoContent ? 1 : 0;
        }

        Assert.InRange(spent, 1, 6);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await successor.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await old.GetAsync("/v1/auth/check")).StatusCode);
    }
}
