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
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.IsValid(), $"{MetricsOptions.Section}:Port must be from 1 to 65535.")
            .ValidateOnStart();
        if (MetricsOptions.From(builder.Configuration).Enabled)
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
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var port = options.Port;
        var allowed = AllowedNetworks(options.AllowedAddresses);
        var proxies = app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value;
        var trusted = proxies.KnownProxies.Select(p => new IPNetwork(IPAddress.Parse(p), IPAddress.Parse(p).GetAddressBytes().Length * 8))
            .Concat(proxies.KnownNetworks.Select(n => IPNetwork.Parse(n))).ToList();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path == Path && (port is { } only ? http.Connection.LocalPort == only : IsAllowedAndDirect(http, allowed, trusted)));
        return app;
    }

    private static List<IPNetwork> AllowedNetworks(string[] entries)
    {
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

/// <summary>Prometheus metrics: <c>OrgKeys:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "OrgKeys:Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>A port of their own, open to whoever reaches it; by default they are off the public port.</summary>
    public int? Port { get; set; }

    /// <summary>Peers (addresses or CIDR networks) that may read them on the public port; none by default.</summary>
    public string[] AllowedAddresses { get; set; } = [];

    public bool IsValid() => Port is null or (>= 1 and <= 65535);

    /// <summary>The settings as wiring needs them, before the container is built; validated on start like every other.</summary>
    public static MetricsOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<MetricsOptions>() ?? new MetricsOptions();
}
