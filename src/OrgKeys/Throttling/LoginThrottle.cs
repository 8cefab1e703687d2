using System.Collections.Concurrent;
using System.Net;

namespace OrgKeys.Throttling;

/// <summary>The limits on guessing passwords: <c>OrgKeys:Login</c>.</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "OrgKeys:Login";

    /// <summary>Consecutive failures on one account before each further attempt must wait.</summary>
    public int FreeAttemptsPerAccount { get; set; } = 5;

    /// <summary>Consecutive failures from one address before each further attempt must wait.</summary>
    public int FreeAttemptsPerAddress { get; set; } = 20;

    /// <summary>Consecutive failures after which the account is locked (NIST SP 800-63B: at most 100).</summary>
    public int LockoutAfter { get; set; } = 100;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest growing delay between attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Per-account and per-address throttling of password sign-in. Accounts are keyed by the name as
/// typed (normalized), not by user id, so an unknown user is throttled exactly like a real one and
/// the answers cannot tell them apart. After the free attempts each failure doubles the wait (1 s,
/// 2 s, 4 s … up to <see cref="LoginThrottleOptions.MaxDelay"/>); at
/// <see cref="LoginThrottleOptions.LockoutAfter"/> consecutive failures the account is locked.
/// Counts live in memory on each node, bounded, and are forgotten a day after the last failure.
/// </summary>
public sealed class LoginThrottle(TimeProvider time, Microsoft.Extensions.Options.IOptions<LoginThrottleOptions> options)
{
    private const int MaxTracked = 100_000;
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    private readonly record struct Failures(int Count, DateTimeOffset Last);

    private readonly LoginThrottleOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Failures> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPAddress, Failures> _addresses = new();

    /// <summary>How long the caller must wait before trying again, or null when an attempt is allowed now.</summary>
    public TimeSpan? RetryAfter(string account, IPAddress? address)
    {
        var now = time.GetUtcNow();
        var wait = Wait(_accounts.GetValueOrDefault(account), _options.FreeAttemptsPerAccount, lockable: true, now);
        var byAddress = Wait(_addresses.GetValueOrDefault(address ?? IPAddress.None), _options.FreeAttemptsPerAddress, lockable: false, now);
        wait = byAddress > wait ? byAddress : wait;

        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string account, IPAddress? address)
    {
        var now = time.GetUtcNow();
        Prune(_accounts, now);
        _accounts.AddOrUpdate(account, new Failures(1, now), (_, f) => new Failures(f.Count + 1, now));
        // No address (a Unix socket, an in-process test server) counts as one address of its own.
        Prune(_addresses, now);
        _addresses.AddOrUpdate(address ?? IPAddress.None, new Failures(1, now), (_, f) => new Failures(f.Count + 1, now));
    }

    /// <summary>A success ends the account's run of failures; the address keeps its count, so one good account cannot launder guesses at others.</summary>
    public void Succeeded(string account) => _accounts.TryRemove(account, out _);

    private TimeSpan Wait(Failures failures, int free, bool lockable, DateTimeOffset now)
    {
        if (failures.Count == 0 || now - failures.Last > Forget)
        {
            return TimeSpan.Zero;
        }

        if (lockable && failures.Count >= _options.LockoutAfter)
        {
            return failures.Last + _options.LockoutDuration - now;
        }

        if (failures.Count < free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures.Count - free, 20);
        var delay = TimeSpan.FromSeconds(1 << doublings);
        return (delay < _options.MaxDelay ? delay : _options.MaxDelay) - (now - failures.Last);
    }

    private static void Prune<TKey>(ConcurrentDictionary<TKey, Failures> entries, DateTimeOffset now)
        where TKey : notnull
    {
        if (entries.Count < MaxTracked)
        {
            return;
        }

        foreach (var (key, failures) in entries)
        {
            if (now - failures.Last > TimeSpan.FromMinutes(15) || failures.Count < 3)
            {
                entries.TryRemove(key, out _);
            }
        }
    }
}
