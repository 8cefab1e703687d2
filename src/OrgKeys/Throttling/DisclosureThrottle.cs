using System.Net;
using Microsoft.Extensions.Options;
using OrgKeys.SecretScanning;

namespace OrgKeys.Throttling;

/// <summary>
/// A fixed one-minute window per address for the unauthenticated <c>/v1/leaked-keys</c>: each
/// request costs HMACs and lookups, so one address gets <c>OrgKeys:SecretScanning:DisclosuresPerMinute</c>.
/// </summary>
public sealed class DisclosureThrottle(TimeProvider time, IOptions<SecretScanningOptions> options)
{
    private readonly int _limit = options.Value.DisclosuresPerMinute;
    private readonly AddressWindows _windows = new(time, TimeSpan.FromMinutes(1));

    public bool TryAcquire(IPAddress? address, out TimeSpan retryAfter) => _windows.Add(address, out retryAfter) <= _limit;
}
