using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.Webhooks;

/// <summary>Without <c>AllowPrivateNetworks</c>, nothing inside is reached: not by address, not by a name that resolves inside.</summary>
public class WebhookSafetyTests : IClassFixture<SharedApp>, IAsyncLifetime
{
    private static readonly string[] TestEvents = ["webhook.test"];
    private readonly OrgKeysApp _app;
    private HttpClient _admin = null!;
    private int _org;

    public WebhookSafetyTests(SharedApp shared) => _app = shared.App;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("https://127.0.0.1:8443/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://192.168.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://example.com/hook")]
    public async Task PrivateOrPlainDestinations_AreRefused(string url)
    {
        var response = await _admin.PostAsJsonAsync(WebhookApp.Path(_org), new { url, events = TestEvents });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("url", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANameResolvingToLoopback_IsRefusedAtConnect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        var (id, _) = await WebhookApp.CreateAsync(_admin, _org, $"https://localhost:{port}/hook", "webhook.test");
        await _admin.PostAsync($"{WebhookApp.Path(_org)}/{id}/test", null);
        await _app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);

        Assert.Empty(receiver.Requests);
        var delivery = Assert.Single(await WebhookApp.DeliveriesAsync(_admin, _org, id));
        Assert.Equal(WebhookSender.DestinationRefused, delivery.GetProperty("lastError").GetString());
        Assert.Equal("Pending", delivery.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("100.64.0.1", false)]
    [InlineData("172.16.5.4", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("fe80::1", false)]
    [InlineData("64:ff9b::7f00:1", false)]
    public void PublicAddresses_AreTold(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookDestinations.IsPublic(IPAddress.Parse(address)));
}
