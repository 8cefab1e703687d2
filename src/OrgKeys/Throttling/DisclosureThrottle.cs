using System.Collections.Concurrent;
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
    private const int MaxTracked = 100_000;
    private static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Requests;
    }

    private readonly int _limit = options.Value.DisclosuresPerMinute;
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    public bool TryAcquire(IPAddress? address, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        if (_windows.Count >= MaxTracked)
        {
            foreach (var (key, old) in _windows)
            {
                if (now - old.Start >= Length)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        // No address (an in-process test server) counts as one address of its own.
        var window = _windows.AddOrUpdate(
            address ?? IPAddress.None,
            static (_, now) => new Window(now),
            static (_, w, now) => now - w.Start >= Length ? new Window(now) : w,
            now);
        retryAfter = window.Start + Length - now;
        return Interlocked.Increment(ref window.Requests) <= _limit;
    }
}
