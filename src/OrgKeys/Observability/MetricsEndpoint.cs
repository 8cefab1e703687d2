using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OrgKeys.Infrastructure;

namespace OrgKeys.Observability;

/// <summary>
/// Prometheus metrics at <c>/metrics</c> (OpenTelemetry's exporter): ASP.NET Core's request and
/// Kestrel metrics, and OrgKeys' own (<see cref="OrgKeysMetrics"/>). Everyone not allowed gets the
/// 404 of any unknown path.
/// </summary>
/// <remarks>
/// The counts say how busy a platform is and how often it is attacked, so they are off the public
/// port unless asked for: <c>OrgKeys:Metrics:Port</c> serves them on a port of their own, to whoever
/// reaches it; <c>OrgKeys:Metrics:AllowedAddresses</c> (addresses or CIDR networks) serves them on
/// the public port to those peers only. The peer is the real one, never a forwarded header; a
/// request carrying a forwarding header, or from a trusted proxy, is refused, because a proxy on
/// the same host would otherwise lend its loopback address to the whole Internet.
/// </remarks>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Real-IP"];

    public static WebApplicationBuilder AddOrgKeysMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OrgKeysMetrics>();
        if (builder.Configuration.GetValue("OrgKeys:Metrics:Enabled", true))
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(OrgKeysMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        return builder;
    }

    public static WebApplication UseOrgKeysMetrics(this WebApplication app)
    {
        // Created now, so its counters are exported from the first scrape.
        app.Services.GetRequiredService<OrgKeysMetrics>();
        if (!app.Configuration.GetValue("OrgKeys:Metrics:Enabled", true))
        {
            return app;
        }

        var port = app.Configuration.GetValue<int?>("OrgKeys:Metrics:Port");
        var allowed = AllowedNetworks(app.Configuration);
        var proxies = app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value;
        var trusted = proxies.KnownProxies.Select(p => new IPNetwork(IPAddress.Parse(p), IPAddress.Parse(p).GetAddressBytes().Length * 8))
            .Concat(proxies.KnownNetworks.Select(n => IPNetwork.Parse(n))).ToList();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path == Path && (port is { } only ? http.Connection.LocalPort == only : IsAllowedAndDirect(http, allowed, trusted)));
        return app;
    }

    private static List<IPNetwork> AllowedNetworks(IConfiguration configuration)
    {
        var entries = configuration.GetSection("OrgKeys:Metrics:AllowedAddresses").Get<string[]>() ?? [];
        return [.. entries.Select(entry =>
            IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
            : IPNetwork.TryParse(entry, out var network) ? network
            : throw new InvalidOperationException($"OrgKeys:Metrics:AllowedAddresses: '{entry}' is not an IP address or a CIDR network."))];
    }

    private static bool IsAllowedAndDirect(HttpContext http, List<IPNetwork> allowed, List<IPNetwork> trusted)
    {
        if (allowed.Count == 0 || http.Connection.RemoteIpAddress is not { } peer || ForwardingHeaders.Any(http.Request.Headers.ContainsKey))
        {
            return false;
        }

        peer = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        return allowed.Exists(n => n.Contains(peer)) && !trusted.Exists(n => n.Contains(peer));
    }
}
