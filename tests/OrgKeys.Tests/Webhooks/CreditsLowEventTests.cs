using System.Net;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Webhooks;

/// <summary><c>apikey.credits_low</c> reaches the key's organization's webhook, with the counts and no secret, and no other organization's.</summary>
public class CreditsLowEventTests(WebhookApp shared) : IClassFixture<WebhookApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.WaitForCacheAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CrossingTenPercent_IsDeliveredOnce_ToThisOrganizationsWebhookOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var otherReceiver = await WebhookReceiver.StartAsync();
        var (_, secret) = await WebhookApp.CreateAsync(_admin, _org, receiver.Url, "apikey.credits_low");
        var (other, _) = await OrgKeysApp.CreateOrganizationAsync(_admin, "Other");
        await WebhookApp.CreateAsync(_admin, other, otherReceiver.Url, "apikey.credits_low", "apikey.created");
        var (id, key) = await _admin.AddKeyAsync(_org, new { name = "metered", role = "admin", credits = new { remaining = 20 } });
        using var client = _app.ClientWithKey(key);

        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=17")).StatusCode);
        await Task.Delay(300);
        Assert.Equal(0, await RaisedAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check")).StatusCode); // 2 left: 10% of 20
        await WaitForRaisedAsync(1);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/v1/auth/check?cost=2")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/auth/check")).StatusCode);
        await Task.Delay(300);
        Assert.Equal(1, await RaisedAsync());

        await shared.DeliverAsync();
        var received = Assert.Single(receiver.Requests);
        Assert.Equal("apikey.credits_low", received.Type);
        Assert.True(WebhookReceiver.Verifies(received, secret));
        var data = received.Json.GetProperty("data");
        Assert.Equal(_org, data.GetProperty("organizationId").GetInt32());
        Assert.Equal(id, data.GetProperty("apiKeyId").GetInt32());
        Assert.Equal(2, data.GetProperty("remaining").GetInt64());
        Assert.Equal(2, data.GetProperty("threshold").GetInt64());
        Assert.Equal(["apiKeyId", "organizationId", "remaining", "threshold"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(key, received.Body, StringComparison.Ordinal);
        Assert.Empty(otherReceiver.Requests); // subscribed to the event, but the key is not its organization's
    }

    private Task<int> RaisedAsync() =>
        _app.WithDbAsync(db => db.WebhookEvents.CountAsync(e => e.Type == "apikey.credits_low" && e.OrganizationId == _org));

    private async Task WaitForRaisedAsync(int count)
    {
        for (var i = 0; i < 50 && await RaisedAsync() < count; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(count, await RaisedAsync());
    }
}
