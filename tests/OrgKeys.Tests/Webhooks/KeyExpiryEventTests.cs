using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.Webhooks;

/// <summary><c>apikey.expiring</c> once, the organization's notice ahead, and <c>apikey.expired</c>, each once whatever the number of sweepers.</summary>
public class KeyExpiryEventTests(WebhookApp shared) : IClassFixture<WebhookApp>, IAsyncLifetime
{
    private const long Day = 86_400;
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

    private Task<(int Raised, int Pruned)> SweepAsync() =>
        _app.Services.GetRequiredService<WebhookSweeper>().RunOnceAsync(CancellationToken.None);

    /// <summary>The events raised so far, by key: their types in order.</summary>
    private Task<Dictionary<int, string[]>> EventsAsync() => _app.WithDbAsync(async db =>
        (await db.WebhookEvents.Where(e => e.Type == "apikey.expiring" || e.Type == "apikey.expired")
            .OrderBy(e => e.Id).Select(e => new { e.AuditEntry!.ApiKeyId, e.Type }).ToListAsync())
        .GroupBy(e => e.ApiKeyId!.Value).ToDictionary(g => g.Key, g => g.Select(e => e.Type).ToArray()));

    [Fact]
    public async Task ExpiringOnceAWeekAhead_ThenExpiredOnce_AndDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, receiverSecret) = await WebhookApp.CreateAsync(_admin, _org, receiver.Url, "apikey.expiring", "apikey.expired");
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: 10 * Day);

        Assert.Equal(0, (await SweepAsync()).Raised);
        _app.Time.Advance(TimeSpan.FromDays(2.9));
        Assert.Equal(0, (await SweepAsync()).Raised);
        _app.Time.Advance(TimeSpan.FromDays(0.2));
        Assert.Equal(1, (await SweepAsync()).Raised);
        Assert.Equal(0, (await SweepAsync()).Raised);
        Assert.Equal(["apikey.expiring"], (await EventsAsync())[id]);

        _app.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, (await SweepAsync()).Raised);
        Assert.Equal(0, (await SweepAsync()).Raised);
        Assert.Equal(["apikey.expiring", "apikey.expired"], (await EventsAsync())[id]);

        await shared.DeliverAsync();
        var received = receiver.Requests.OrderBy(r => r.Type, StringComparer.Ordinal).ToList();
        Assert.Equal(["apikey.expired", "apikey.expiring"], received.Select(r => r.Type));
        Assert.All(received, r => Assert.True(WebhookReceiver.Verifies(r, receiverSecret)));
        var data = received[1].Json.GetProperty("data");
        Assert.Equal(id, data.GetProperty("apiKeyId").GetInt32());
        Assert.True(data.GetProperty("expiresAt").GetDateTime() > DateTime.UtcNow.AddDays(9));
    }

    [Fact]
    public async Task NoticeDays_ComeFromThePolicy_ZeroMeansNever_AndShortLivedKeysGetNoNotice()
    {
        var (other, _) = await OrgKeysApp.CreateOrganizationAsync(_admin, "Other");
        var (never, _) = await OrgKeysApp.CreateOrganizationAsync(_admin, "Never");
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync($"/v1/api/organizations/{other}/apikey-policy", new { expiringNoticeDays = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync($"/v1/api/organizations/{never}/apikey-policy", new { expiringNoticeDays = 0 })).StatusCode);
        var policy = await (await _admin.GetAsync($"/v1/api/organizations/{other}/apikey-policy")).ReadJsonAsync();
        Assert.Equal(2, policy.GetProperty("policy").GetProperty("expiringNoticeDays").GetInt32());
        Assert.Equal("revoke", policy.GetProperty("policy").GetProperty("onExposure").GetString());

        var (sevenDays, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: 10 * Day);
        var (twoDays, _) = await OrgKeysApp.CreateKeyAsync(_admin, other, ttl: 10 * Day);
        var (noNotice, _) = await OrgKeysApp.CreateKeyAsync(_admin, never, ttl: 10 * Day);
        var (shortLived, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: Day);
        var (revoked, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: Day);
        var (forever, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{revoked}")).StatusCode);

        // Made with less life than the notice: marked, never announced as expiring.
        Assert.Equal(0, (await SweepAsync()).Raised);
        _app.Time.Advance(TimeSpan.FromDays(1.5));
        await SweepAsync();
        Assert.Equal(new Dictionary<int, string[]> { [shortLived] = ["apikey.expired"] }, await EventsAsync());

        _app.Time.Advance(TimeSpan.FromDays(2.5));
        await SweepAsync();
        var events = await EventsAsync();
        Assert.Equal(["apikey.expiring"], events[sevenDays]);
        Assert.False(events.ContainsKey(twoDays));

        _app.Time.Advance(TimeSpan.FromDays(4.5));
        await SweepAsync();
        Assert.Equal(["apikey.expiring"], (await EventsAsync())[twoDays]);

        _app.Time.Advance(TimeSpan.FromDays(2));
        await SweepAsync();
        events = await EventsAsync();
        Assert.Equal(["apikey.expiring", "apikey.expired"], events[sevenDays]);
        Assert.Equal(["apikey.expiring", "apikey.expired"], events[twoDays]);
        Assert.Equal(["apikey.expired"], events[noNotice]);
        Assert.Equal(["apikey.expired"], events[shortLived]);
        // A revoked key was announced as revoked; a key without expiry never expires.
        Assert.False(events.ContainsKey(revoked));
        Assert.False(events.ContainsKey(forever));
        var audit = await (await _admin.GetAsync($"/v1/api/organizations/{_org}/audit")).ReadJsonAsync();
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "apikey.expired");
    }

    [Fact]
    public async Task ManySweepersAtOnce_RaiseEachEventOnce()
    {
        var keys = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            keys.Add((await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: 8 * Day)).Id);
        }

        _app.Time.Advance(TimeSpan.FromDays(1.5));
        var raised = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(SweepAsync)));
        Assert.Equal(keys.Count, raised.Sum(r => r.Raised));
        _app.Time.Advance(TimeSpan.FromDays(7));
        raised = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(SweepAsync)));
        Assert.Equal(keys.Count, raised.Sum(r => r.Raised));

        var events = await EventsAsync();
        Assert.Equal(keys.Order(), events.Keys.Order());
        Assert.All(events.Values, types => Assert.Equal(["apikey.expiring", "apikey.expired"], types));
    }
}
