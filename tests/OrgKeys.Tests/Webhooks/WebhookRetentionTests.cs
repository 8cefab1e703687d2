using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.Webhooks;

/// <summary>Deliveries that are done, and the events they sent, go after the retention (30 days); pending ones stay.</summary>
public class WebhookRetentionTests(WebhookApp shared) : IClassFixture<WebhookApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private WebhookReceiver _receiver = null!;
    private HttpClient _admin = null!;
    private int _user;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _receiver = await WebhookReceiver.StartAsync();
        (_user, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Task<(int Raised, int Pruned)> SweepAsync() =>
        _app.Services.GetRequiredService<WebhookSweeper>().RunOnceAsync(CancellationToken.None);

    private Task<(int Events, int Delivered, int Pending)> CountsAsync() => _app.WithDbAsync(async db =>
        (await db.WebhookEvents.CountAsync(), await db.WebhookDeliveries.CountAsync(d => d.State == WebhookDeliveryState.Delivered),
            await db.WebhookDeliveries.CountAsync(d => d.State == WebhookDeliveryState.Pending)));

    [Fact]
    public async Task DoneDeliveriesAndTheirEvents_ArePrunedAfterTheRetention_PendingOnesStay()
    {
        var (webhook, _) = await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "apikey.created");
        await OrgKeysApp.CreateKeyAsync(_admin, _org);
        await shared.DeliverAsync();
        Assert.Equal((1, 1, 0), await CountsAsync());

        // An old event whose delivery keeps failing is still pending when the retention ends for the others.
        _app.Time.Advance(TimeSpan.FromDays(20));
        _receiver.Status = _ => 500;
        await OrgKeysApp.CreateKeyAsync(_admin, _org);
        await shared.DeliverAsync();
        await _app.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.State == WebhookDeliveryState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Created, d => d.Created.AddDays(-20))));
        Assert.Equal((2, 1, 1), await CountsAsync());

        _app.Time.Advance(TimeSpan.FromDays(9.9));
        Assert.Equal(0, (await SweepAsync()).Pruned);
        _app.Time.Advance(TimeSpan.FromDays(0.2));
        Assert.Equal(2, (await SweepAsync()).Pruned); // the delivery, then its event
        Assert.Equal((1, 0, 1), await CountsAsync());
        using var admin = _app.ClientWithJwt(await _app.IssueSessionTokenAsync(_user)); // the first session is 30 days old
        var left = Assert.Single(await WebhookApp.DeliveriesAsync(admin, _org, webhook));
        Assert.Equal("Pending", left.GetProperty("state").GetString());
        Assert.Equal(0, (await SweepAsync()).Pruned);
    }
}
