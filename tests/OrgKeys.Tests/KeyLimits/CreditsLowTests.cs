using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.KeyLimits;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.KeyLimits;

/// <summary><c>apikey.credits_low</c>: once per balance at 10% of the allotment, again after a refill or an update, never without credits.</summary>
public class CreditsLowTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
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
    public async Task AnUpdate_ArmsItAgain_AndTheNewBalanceCountsItsOwnTenPercent()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin", credits = new { remaining = 100 } });
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=89")).StatusCode);
        await SpendAsync(client, 5); // one at a time down to 6, past 10
        Assert.Equal(["remaining: 10; threshold: 10"], await WaitForRaisedAsync(id, 1));
        await SpendAsync(client, 6);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);

        _app.Time.Advance(TimeSpan.FromMilliseconds(1)); // a new balance is told apart by when it was set
        var update = await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys/{id}", new { credits = new { remaining = 30 } });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        await SpendAsync(client, 26);
        await Task.Delay(300);
        Assert.Single(await DetailsAsync(id));
        await SpendAsync(client, 1);
        Assert.Equal(["remaining: 10; threshold: 10", "remaining: 3; threshold: 3"], await WaitForRaisedAsync(id, 2));
    }

    [Fact]
    public async Task ARefill_ArmsItAgain_AndARefillAllotmentCountsFromTheRefillAmount()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin" });
        var now = _app.Time.GetUtcNow();
        _app.Time.SetUtcNow(new DateTimeOffset(now.UtcDateTime.Date.AddDays(1).AddHours(23), TimeSpan.Zero));
        await _app.SetRulesAsync(id, credits: 50, refillAmount: 40, refillInterval: "daily");
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=45")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode); // 4 left: 10% of the refill's 40
        Assert.Equal(["remaining: 4; threshold: 4"], await WaitForRaisedAsync(id, 1));

        _app.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=35")).StatusCode);
        await Task.Delay(300);
        Assert.Single(await DetailsAsync(id));
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(2, (await WaitForRaisedAsync(id, 2)).Length);
    }

    [Fact]
    public async Task ABalanceThatStartsUnderTheThreshold_RaisesItAtFirstUse_AndAZeroAllotmentNever()
    {
        var (low, lowKey) = await _alice.AddKeyAsync(_org, new { name = "low", role = "admin" });
        await _app.SetRulesAsync(low, credits: 3, refillAmount: 100, refillInterval: "daily");
        var (zero, zeroKey) = await _alice.AddKeyAsync(_org, new { name = "zero", role = "admin", credits = new { remaining = 0 } });
        using var lowClient = _app.ClientWithKey(lowKey);
        using var zeroClient = _app.ClientWithKey(zeroKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await zeroClient.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await lowClient.GetAsync("/v1/auth/check")).StatusCode);
        Assert.Equal(["remaining: 3; threshold: 10"], await WaitForRaisedAsync(low, 1));
        await SpendAsync(lowClient, 2);
        await Task.Delay(300);
        Assert.Single(await DetailsAsync(low));
        Assert.Empty(await DetailsAsync(zero));
    }

    [Fact]
    public async Task KeysWithoutCredits_NeverRaiseIt()
    {
        var (plain, plainKey) = await _alice.AddKeyAsync(_org, new { name = "plain", role = "admin" });
        var (limited, limitedKey) = await _alice.AddKeyAsync(_org, new { name = "limited", role = "admin" });
        await _app.SetRulesAsync(limited, rateLimits: """[{"name":"hourly","limit":3,"windowSeconds":3600}]""");
        using var plainClient = _app.ClientWithKey(plainKey);
        using var limitedClient = _app.ClientWithKey(limitedKey);
        await SpendAsync(plainClient, 20);
        await SpendAsync(limitedClient, 3);
        await Task.Delay(300);
        Assert.Empty(await DetailsAsync(plain));
        Assert.Empty(await DetailsAsync(limited));
    }

    [Fact]
    public async Task TwoNodesNoticingTheSameCrossing_RaiseItOnce()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "metered", role = "admin", credits = new { remaining = 10 } });
        var tag = await _app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.CreditsRefilledAt!.Value).SingleAsync());
        var events = _app.Services.GetRequiredService<CreditsLowEvents>();
        // What each node queues when it notices; the writers' conditional update lets one through.
        events.Noticed(new CreditsLow(id, _org, 1, tag, 1));
        events.Noticed(new CreditsLow(id, _org, 1, tag, 0));
        events.Noticed(new CreditsLow(id, _org + 1000, 1, tag, 0)); // a wrong organization claims nothing
        Assert.Equal(["remaining: 1; threshold: 1"], await WaitForRaisedAsync(id, 1));
        using var client = _app.ClientWithKey(key);
        await SpendAsync(client, 10);
        await Task.Delay(300);
        Assert.Single(await DetailsAsync(id)); // the balance is known to have had its notice
    }

    private static async Task SpendAsync(HttpClient client, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode);
        }
    }

    /// <summary>The key's credits_low audit entries that carry their outbox row, oldest first (one query: the writer commits both at once).</summary>
    private Task<string[]> DetailsAsync(int keyId) => _app.WithDbAsync(db =>
        db.WebhookEvents.Where(e => e.Type == "apikey.credits_low" && e.AuditEntry!.Action == CreditsLowEvents.Action && e.AuditEntry.ApiKeyId == keyId)
            .OrderBy(e => e.AuditEntryId).Select(e => e.AuditEntry!.Detail!).ToArrayAsync());

    private async Task<string[]> WaitForRaisedAsync(int keyId, int count)
    {
        for (var i = 0; i < 50 && (await DetailsAsync(keyId)).Length < count; i++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(200);
        return await DetailsAsync(keyId);
    }
}
