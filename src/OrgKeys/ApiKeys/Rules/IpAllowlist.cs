using System.Net;
using System.Text.Json;
using IPNetwork = System.Net.IPNetwork;

namespace OrgKeys.ApiKeys.Rules;

/// <summary>
/// The addresses a key may be used from: IPv4 and IPv6 networks in CIDR notation. The address
/// judged is the real client's, after the trusted proxies' forwarded headers.
/// </summary>
public static class IpAllowlist
{
    public const int MaxEntries = 100;

    /// <summary>The networks in their canonical form (<c>203.0.113.0/24</c>), or the 400's sentence.</summary>
    public static (string[]? Networks, string? Error) From(IReadOnlyList<string?> inputs)
    {
        if (inputs.Count is 0 or > MaxEntries)
        {
            return (null, $"'allowedIps' must hold 1 to {MaxEntries} networks (null allows every address).");
        }

        var networks = new string[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            // A network whose host bits are set (10.0.0.1/8) is refused: it says something it does not mean.
            if (inputs[i] is not { } text || !IPNetwork.TryParse(text, out var network) || !text.Contains('/'))
            {
                return (null, $"'allowedIps[{i}]' must be an IPv4 or IPv6 network in CIDR notation, such as 203.0.113.0/24 or 2001:db8::/32.");
            }

            networks[i] = network.ToString();
        }

        return (networks, null);
    }

    public static string? ToColumn(IReadOnlyList<string>? networks) =>
        networks is null ? null : JsonSerializer.Serialize(networks);

    public static string[]? StringsFromColumn(string? column) =>
        column is null ? null : JsonSerializer.Deserialize<string[]>(column);

    /// <summary>The parsed networks of the column, or null when every address is allowed.</summary>
    public static IPNetwork[]? FromColumn(string? column) =>
        StringsFromColumn(column)?.Select(n => IPNetwork.Parse(n)).ToArray();

    /// <summary>Whether <paramref name="address"/> is in one of <paramref name="networks"/>; an IPv4 address mapped into IPv6 counts as IPv4.</summary>
    public static bool Allows(IPNetwork[] networks, IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
