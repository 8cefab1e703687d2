using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OrgKeys.Infrastructure;

namespace OrgKeys.Webhooks;

/// <summary>
/// Where a webhook may send. A name is judged by the addresses it resolves to at every connection
/// (see <see cref="WebhookSender"/>), so a name that later points inside is still refused; an
/// address literal is refused already when the webhook is created.
/// </summary>
public sealed class WebhookDestinations(IOptions<WebhookOptions> options)
{
    public bool AllowPrivate => options.Value.AllowPrivateNetworks;

    /// <summary>Why the URL is refused, or null.</summary>
    public string? Refuse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "'url' must be an absolute URL of at most 2048 characters.";
        }

        if (ClientText.RefuseControlCharacters("url", url) is { } control)
        {
            return control;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(AllowPrivate && uri.Scheme == Uri.UriSchemeHttp))
        {
            return "'url' must use https.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "'url' must not hold a user name or password.";
        }

        return IPAddress.TryParse(uri.IdnHost, out var address) && !IsAllowed(address)
            ? "'url' must point to a public address."
            : null;
    }

    public bool IsAllowed(IPAddress address) => AllowPrivate || IsPublic(address);

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        var v6 = address.GetAddressBytes();
        // Link-local, site-local, unique-local (fc00::/7), multicast, and NAT64 or documentation prefixes that can hide an inside address.
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b)
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8)
            || (v6[0] == 0x20 && v6[1] == 0x02)
            || v6.Take(10).All(x => x == 0));
    }
}
