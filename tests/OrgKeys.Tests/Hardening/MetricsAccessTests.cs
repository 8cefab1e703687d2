using System.Net;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.Observability;

namespace OrgKeys.Tests.Hardening;

/// <summary>
/// Issue 14, finding 5 on <c>/metrics</c>: off the public port unless <c>OrgKeys:Metrics:AllowedAddresses</c>
/// lists the peer, judged on the real peer and never on a forwarded header, and never for a trusted
/// proxy (a same-host proxy that adds no forwarding header would otherwise expose it).
/// </summary>
[Collection(nameof(AloneInTheProcess))]
public class MetricsAccessTests
{
    private static async Task<HttpStatusCode> ScrapeAsync(Dictionary<string, string?> settings, string peer, string? forwardedFor = null)
    {
        await using var app = new OrgKeysApp(settings, TestPeer.AddTo);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add(TestPeer.Header, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task ByDefault_MetricsAreOffThePublicPort_EvenForLoopback() =>
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync([], "127.0.0.1"));

    [Fact]
    public async Task AllowedAddresses_AreServed_AndNoOneElse()
    {
        Dictionary<string, string?> settings = new() { ["OrgKeys:Metrics:AllowedAddresses:0"] = "10.0.0.0/8", ["OrgKeys:Metrics:AllowedAddresses:1"] = "192.0.2.5" };
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(settings, "10.1.2.3"));
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(settings, "192.0.2.5"));
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(settings, "127.0.0.1"));
    }

    [Fact]
    public async Task ASameHostProxy_WithoutForwardingHeaders_GetsNoMetrics()
    {
        Dictionary<string, string?> settings = new()
        {
            ["OrgKeys:Metrics:AllowedAddresses:0"] = "127.0.0.1",
            ["OrgKeys:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        };
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(settings, "127.0.0.1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("10.0.0.2")]
    public async Task AForwardedLoopbackAddress_NeverGrantsMetrics_EvenWithTheEnvSwitch(string? proxy)
    {
        Dictionary<string, string?> settings = new()
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true",
            ["OrgKeys:Metrics:AllowedAddresses:0"] = "127.0.0.1",
        };
        if (proxy is not null)
        {
            settings["OrgKeys:ForwardedHeaders:KnownProxies:0"] = proxy;
        }

        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(settings, proxy ?? "203.0.113.7", "127.0.0.1"));
    }
}
