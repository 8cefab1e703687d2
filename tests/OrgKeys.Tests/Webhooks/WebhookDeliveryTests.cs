using System.Net;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Webhooks;

/// <summary>Events reach a real receiver on loopback, signed, once; failures are retried with backoff.</summary>
public class WebhookDeliveryTests(WebhookApp shared) : IClassFixture<WebhookApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private WebhookReceiver _receiver = null!;
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _receiver = await WebhookReceiver.StartAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task ApiKeyCreated_ArrivesOnce_Signed_WithoutTheSecret()
    {
        var (webhook, secret) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "apikey.created");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var (keyId, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);

        Assert.Equal(1, await shared.DeliverAsync());
        Assert.Equal(0, await shared.DeliverAsync());

        var request = Assert.Single(_receiver.Requests);
        Assert.True(WebhookReceiver.Verifies(request, secret));
        Assert.False(WebhookReceiver.Verifies(request with { Body = request.Body + " " }, secret));
        Assert.Equal("apikey.created", request.Type);
        Assert.Equal(keyId, request.Json.GetProperty("data").GetProperty("apiKeyId").GetInt32());
        Assert.Equal(_org, request.Json.GetProperty("data").GetProperty("organizationId").GetInt32());
        Assert.DoesNotContain(key, request.Body, StringComparison.Ordinal);
        var delivery = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, webhook));
        Assert.Equal("Delivered", delivery.GetProperty("state").GetString());
        Assert.Equal(1, delivery.GetProperty("attempt").GetInt32());
        Assert.Equal(200, delivery.GetProperty("lastStatusCode").GetInt32());
    }

    [Fact]
    public async Task OnlySubscribedEvents_AreSent_AndUnheardEventsAreNotKept()
    {
        await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "apikey.revoked");
        var (keyId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        await shared.DeliverAsync();
        Assert.Empty(_receiver.Requests);
        Assert.Equal(0, await _app.WithDbAsync(db => db.WebhookEvents.CountAsync(e => e.Type == "apikey.created")));

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{keyId}")).StatusCode);
        await shared.DeliverAsync();
        Assert.Equal("apikey.revoked", Assert.Single(_receiver.Requests).Type);
    }

    [Fact]
    public async Task A500_IsRetriedAfterBackoff_OnTheClock()
    {
        _receiver.Status = n => n == 1 ? 500 : 200;
        var (webhook, secret) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "webhook.test");
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/test", null)).StatusCode);

        await shared.DeliverAsync();
        var failed = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, webhook));
        Assert.Equal("Pending", failed.GetProperty("state").GetString());
        Assert.Equal(500, failed.GetProperty("lastStatusCode").GetInt32());

        // Not before the backoff has passed.
        _app.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await shared.DeliverAsync());
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await shared.DeliverAsync());

        Assert.Equal(2, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.True(WebhookReceiver.Verifies(r, secret)));
        Assert.Single(_receiver.Requests.Select(r => r.Id).Distinct());
        var delivered = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, webhook));
        Assert.Equal("Delivered", delivered.GetProperty("state").GetString());
        Assert.Equal(2, delivered.GetProperty("attempt").GetInt32());
        Assert.Equal("webhook.test", _receiver.Requests.Last().Type);
    }

    [Fact]
    public async Task Retries_StopAfter24Hours()
    {
        _receiver.Status = _ => 503;
        var (webhook, _) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "webhook.test");
        await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/test", null);
        for (var i = 0; i < 40; i++)
        {
            await shared.DeliverAsync();
            _app.Time.Advance(TimeSpan.FromHours(1));
        }

        var delivery = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, webhook));
        Assert.Equal("Failed", delivery.GetProperty("state").GetString());
        // 5 s, 20 s, 80 s, … then every 6 h: far fewer than one an hour.
        Assert.InRange(_receiver.Requests.Count, 6, 12);
    }

    [Fact]
    public async Task Redeliver_SendsTheSameMessageAgain()
    {
        var (webhook, secret) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "webhook.test");
        await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/test", null);
        await shared.DeliverAsync();
        var first = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, webhook)).GetProperty("id").GetInt64();

        var response = await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/deliveries/{first}/redeliver", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await shared.DeliverAsync();

        Assert.Equal(2, _receiver.Requests.Count);
        Assert.Single(_receiver.Requests.Select(r => r.Id).Distinct());
        Assert.All(_receiver.Requests, r => Assert.True(WebhookReceiver.Verifies(r, secret)));
        Assert.Equal(2, (await WebhookApp.DeliveriesAsync(_admin, _org, webhook)).Length);
    }

    [Fact]
    public async Task RotateSecret_SignsWithTheNewSecretOnly()
    {
        var (webhook, old) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "webhook.test");
        var rotated = await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/rotate-secret", null);
        Assert.Equal("no-store", rotated.Headers.CacheControl?.ToString());
        var secret = (await rotated.ReadJsonAsync()).GetProperty("secret").GetString()!;
        Assert.NotEqual(old, secret);

        await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/test", null);
        await shared.DeliverAsync();
        var request = Assert.Single(_receiver.Requests);
        Assert.True(WebhookReceiver.Verifies(request, secret));
        Assert.False(WebhookReceiver.Verifies(request, old));
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed()
    {
        _receiver.Status = _ => 302;
        var (webhook, _) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "webhook.test");
        await _admin.PostAsync($"{WebhookApp.Path(_org)}/{webhook}/test", null);
        await shared.DeliverAsync();

        Assert.Equal("/hook", Assert.Single(_receiver.Requests).Path);
        var delivery = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, webhook));
        Assert.Equal(302, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal("Pending", delivery.GetProperty("state").GetString());
    }

    [Fact]
    public async Task TheSecret_IsSealed_NotStoredInTheClear()
    {
        var (_, secret) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "webhook.test");
        var raw = Convert.FromBase64String(secret["whsec_".Length..]);
        var stored = await _app.WithDbAsync(db => db.Webhooks.Select(w => w.SealedSecret).SingleAsync());
        Assert.True(stored.AsSpan().IndexOf(raw.AsSpan(0, 16)) < 0);
    }
}
