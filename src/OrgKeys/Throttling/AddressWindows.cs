using System.Collections.Concurrent;
using System.Net;

namespace OrgKeys.Throttling;

/// <summary>
/// Counts events per client address in fixed windows of one length. At most 100,000 addresses are
/// tracked: when that many are, ended windows are dropped first. No address (a Unix socket, an
/// in-process test server) counts as one address of its own.
/// </summary>
public sealed class AddressWindows(TimeProvider time, TimeSpan length)
{
    private const int MaxTracked = 100_000;

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count;
    }

    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    /// <summary>Counts one event: the address's count in its window, this one included, and the time the window has left.</summary>
    public int Add(IPAddress? address, out TimeSpan left)
    {
        var now = time.GetUtcNow();
        if (_windows.Count >= MaxTracked)
        {
            foreach (var (key, old) in _windows)
            {
                if (now - old.Start >= length)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        var window = _windows.AddOrUpdate(
            address ?? IPAddress.None,
            static (_, state) => new Window(state.Now),
            static (_, w, state) => state.Now - w.Start >= state.Length ? new Window(state.Now) : w,
            (Now: now, Length: length));
        left = window.Start + length - now;
        return Interlocked.Increment(ref window.Count);
    }

    /// <summary>The address's count in a window that has not ended (0 otherwise), and the time it has left.</summary>
    public int Count(IPAddress? address, out TimeSpan left)
    {
        left = TimeSpan.Zero;
        if (!_windows.TryGetValue(address ?? IPAddress.None, out var window))
        {
            return 0;
        }

        left = window.Start + length - time.GetUtcNow();
        return left > TimeSpan.Zero ? Volatile.Read(ref window.Count) : 0;
    }
}
