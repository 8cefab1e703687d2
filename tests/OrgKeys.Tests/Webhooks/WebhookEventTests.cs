using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.Webhooks;

/// <summary>The events of the features that exist, and each delivered once however many workers run.</summary>
public class WebhookEventTests(WebhookApp shared) : IClassFixture<WebhookApp>, IAsyncLifetime
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
    public async Task ADisclosedKey_RaisesExposedAndRevoked()
    {
        await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "apikey.exposed", "apikey.revoked");
        var (keyId, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var anyone = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anyone.PostAsJsonAsync("/v1/leaked-keys", new { keys = new[] { key }, url = "https://example.com/leak" })).StatusCode);
        await shared.DeliverAsync();

        var types = _receiver.Requests.Select(r => r.Type).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["apikey.exposed", "apikey.revoked"], types);
        var exposed = _receiver.Requests.Single(r => r.Type == "apikey.exposed").Json.GetProperty("data");
        Assert.Equal(keyId, exposed.GetProperty("apiKeyId").GetInt32());
        Assert.Equal("revoked", exposed.GetProperty("action").GetString());
        Assert.DoesNotContain(key, string.Concat(_receiver.Requests.Select(r => r.Body)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemberEvents_FollowConsent()
    {
        await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "member.added", "member.role_changed", "member.removed");
        var bob = await _app.CreateUserAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "bob", "member")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bob}/role", new { role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = bob })).StatusCode);
        await shared.DeliverAsync();

        var added = _receiver.Requests.Single(r => r.Type == "member.added").Json.GetProperty("data");
        Assert.Equal(bob, added.GetProperty("userId").GetInt32());
        Assert.Equal("admin", _receiver.Requests.Single(r => r.Type == "member.role_changed").Json.GetProperty("data").GetProperty("role").GetString());
        Assert.Equal(bob, _receiver.Requests.Single(r => r.Type == "member.removed").Json.GetProperty("data").GetProperty("userId").GetInt32());
    }

    [Fact]
    public async Task TwoWorkers_OnOneDatabase_DeliverEachEventOnce()
    {
        if (!TestPostgres.Enabled)
        {
            return; // FOR UPDATE SKIP LOCKED: SQLite runs one process
        }

        await WebhookApp.CreateAsync(_admin, _org, _receiver.Url, "apikey.created");
        await WebhookApp.CreateAsync(_admin, _org, _receiver.Url + "2", "apikey.created");
        for (var i = 0; i < 40; i++)
        {
            await OrgKeysApp.CreateKeyAsync(_admin, _org, name: $"k{i}");
        }

        var services = _app.Services;
        WebhookDispatcher Worker() => new(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<WebhookSender>(),
            services.GetRequiredService<IOptions<WebhookOptions>>(), _app.Time, services.GetRequiredService<ILogger<WebhookDispatcher>>());
        var first = Worker();
        var second = Worker();
        async Task DrainAsync(WebhookDispatcher worker)
        {
            for (var idle = 0; idle < 3;)
            {
                idle = await worker.RunOnceAsync(CancellationToken.None) == 0 ? idle + 1 : 0;
            }
        }

        await Task.WhenAll(DrainAsync(first), DrainAsync(second));

        Assert.Equal(80, _receiver.Requests.Count);
        Assert.All(_receiver.Requests.GroupBy(r => (r.Path, r.Id)), g => Assert.Single(g));
        Assert.Equal(80, await _app.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.State == Data.Entities.WebhookDeliveryState.Delivered && d.Attempt == 1)));
    }
}
