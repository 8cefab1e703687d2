using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace OrgKeys.Infrastructure;

/// <summary>The proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed: <c>OrgKeys:ForwardedHeaders</c>.</summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "OrgKeys:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, such as <c>127.0.0.1</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, such as <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// The client address (throttles, <c>lastUsed</c>, the audit log) comes from forwarded headers only
/// when the peer is a proxy the operator named; without one, forwarded headers are ignored.
/// </summary>
/// <remarks>
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> makes the host add its own forwarded-headers
/// middleware and clear the known proxies, so every peer's <c>X-Forwarded-For</c> would be
/// believed: a forged address would defeat the throttles and the audit log. That middleware is
/// removed, and the options are set last, from our setting only.
/// </remarks>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section)
            .Validate(o => o.KnownProxies.TrueForAll(p => IPAddress.TryParse(p, out _)),
                $"{TrustedProxyOptions.Section}:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.TrueForAll(n => IPNetwork.TryParse(n, out _)),
                $"{TrustedProxyOptions.Section}:KnownNetworks must be networks in CIDR notation (10.0.0.0/8).")
            .ValidateOnStart();
        services.RemoveWhere<IStartupFilter>(d => d.ImplementationType?.Name == "ForwardedHeadersStartupFilter");
        services.AddSingleton<IPostConfigureOptions<ForwardedHeadersOptions>, FromOurSettingOnly>();
        return services;
    }

    /// <summary>Before anything reads the client address; <c>/metrics</c>, before it, judges the real peer.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();

    private static void RemoveWhere<T>(this IServiceCollection services, Func<ServiceDescriptor, bool> match)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(T) && match(d)).ToList())
        {
            services.Remove(descriptor);
        }
    }

    private sealed class FromOurSettingOnly(IOptions<TrustedProxyOptions> trusted) : IPostConfigureOptions<ForwardedHeadersOptions>
    {
        public void PostConfigure(string? name, ForwardedHeadersOptions options)
        {
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in trusted.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }

            var any = options.KnownProxies.Count + options.KnownIPNetworks.Count > 0;
            options.ForwardedHeaders = any ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            // Walk back through the chain while the sender is trusted; the first untrusted address is the client.
            options.ForwardLimit = null;
            options.AllowedHosts.Clear();
        }
    }
}
