using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace OrgKeys.Observability;

/// <summary>
/// Prometheus metrics at <c>/metrics</c> (OpenTelemetry's exporter): ASP.NET Core's request and
/// Kestrel metrics, and OrgKeys' own (<see cref="OrgKeysMetrics"/>). The counts say how busy a
/// platform is and how often it is attacked, so by default they are shown only to this machine
/// (a loopback caller that no proxy forwarded); <c>OrgKeys:Metrics:Port</c> serves them instead on
/// a port of their own, to whoever reaches it. Everyone else gets the 404 of any unknown path.
/// </summary>
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
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path == Path && (port is { } only ? http.Connection.LocalPort == only : IsLocalAndDirect(http)));
        return app;
    }

    private static bool IsLocalAndDirect(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !ForwardingHeaders.Any(http.Request.Headers.ContainsKey);
}

/// <summary>Prometheus metrics: <c>OrgKeys:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "OrgKeys:Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>A port of their own, open to whoever reaches it; by default only loopback callers see them.</summary>
    public int? Port { get; set; }

    public bool IsValid() => Port is null or (>= 1 and <= 65535);

    /// <summary>The settings as wiring needs them, before the container is built; validated on start like every other.</summary>
    public static MetricsOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<MetricsOptions>() ?? new MetricsOptions();
}
