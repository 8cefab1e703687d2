using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace OrgKeys.Tests.Hardening;

/// <summary>
/// The test server has no socket: the peer address a request comes from is taken from a test-only
/// header, before anything else runs (the first startup filter is the outermost), so a forwarded
/// headers middleware the host might add sees it as the real peer.
/// </summary>
internal sealed class TestPeer : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public static void AddTo(IServiceCollection services) => services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter, TestPeer>());

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var peer) && IPAddress.TryParse(peer, out var address))
            {
                http.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(http);
        });
        next(app);
    };
}
