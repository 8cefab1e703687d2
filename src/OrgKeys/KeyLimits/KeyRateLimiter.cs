using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>What the rate limits decided: the verdict, the limit that refused, and the <c>RateLimit</c> header.</summary>
internal readonly record struct RateDecision(bool Admitted, KeyRateLimits Limits, int Refused, string Header);

/// <summary>
/// Every key's rate limits on this node. On SQLite (one node) they are judged in memory alone. On
/// PostgreSQL every node spends only shares of each window it reserved in <c>RateLimitWindows</c>,
/// where a reservation never takes the cluster past the limit's sliding estimate: the cluster admits
/// no more than one node would, and may refuse early by at most the shares other nodes hold unspent.
/// </summary>
public sealed class KeyRateLimiter(IDbContextFactory<OrgKeysDbContext> contexts, IOptions<KeyLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, KeyRateLimits> _keys = new();
    private readonly int _shares = Math.Max(1, options.Value.RateLimitShares);
    private bool? _cluster;

    /// <summary>From memory: the decision, or null when this node must first reserve a share through the database.</summary>
    internal RateDecision? TryAdmit(VerifiedApiKey key, long nowMs)
    {
        var limits = For(key);
        var verdict = limits.TryAdmit(nowMs, Cluster, out var refused, out var header);
        return verdict == RateVerdict.NeedsShare ? null : new RateDecision(verdict == RateVerdict.Admitted, limits, refused, header);
    }

    /// <summary>
    /// Reserves the shares the key lacks, one reservation at a time per key, then decides. Each
    /// reservation either grants a share or marks the window refused, so this ends.
    /// </summary>
    internal async ValueTask<RateDecision> AdmitAsync(VerifiedApiKey key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryAdmit(key, time.GetUtcNow().ToUnixTimeMilliseconds()) is { } decision)
            {
                return decision;
            }

            var limits = For(key);
            await limits.Reserving.WaitAsync(cancellationToken);
            try
            {
                var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (TryAdmit(key, nowMs) is { } meanwhile)
                {
                    return meanwhile;
                }

                await ReserveAsync(key.Id, limits, nowMs, cancellationToken);
            }
            finally
            {
                limits.Reserving.Release();
            }
        }
    }

    /// <summary>Forgets keys unused for longer than their longest window, so memory follows the keys in use.</summary>
    public int Prune(long nowMs)
    {
        var pruned = 0;
        foreach (var (id, limits) in _keys)
        {
            if (nowMs - limits.LastUseMs > (limits.Rules.Max(r => r.WindowSeconds) * 2000L) && _keys.TryRemove(id, out _))
            {
                pruned++;
            }
        }

        return pruned;
    }

    private bool Cluster => _cluster ??= ResolveCluster();

    private bool ResolveCluster()
    {
        using var db = contexts.CreateDbContext();
        return db.Provider() == DatabaseProvider.Postgres;
    }

    private KeyRateLimits For(VerifiedApiKey key)
    {
        var rules = key.Rules.RateLimits;
        if (_keys.TryGetValue(key.Id, out var limits))
        {
            // A reloaded key brings equal rules in a new array: compared once, then known by reference.
            if (ReferenceEquals(limits.LastSeen, rules))
            {
                return limits;
            }

            if (limits.Rules.SequenceEqual(rules))
            {
                limits.LastSeen = rules;
                return limits;
            }
        }

        // New to this node, or its limits changed: start over with the new ones.
        limits = new KeyRateLimits(rules);
        _keys[key.Id] = limits;
        return limits;
    }

    /// <summary>For each window without a share: one transaction that locks the window's row and takes what the budget allows.</summary>
    private async Task ReserveAsync(int keyId, KeyRateLimits limits, long nowMs, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        for (var i = 0; i < limits.Windows.Length; i++)
        {
            var window = limits.Windows[i];
            long start;
            double weight;
            lock (limits.Lock)
            {
                window.Roll(nowMs);
                if (window.Tokens > 0 || window.RefusedUntilMs > nowMs)
                {
                    continue;
                }

                start = window.WindowStartSeconds;
                weight = window.PreviousWeight(nowMs);
            }

            var share = Math.Max(1, window.Limit / _shares);
            var result = await RateLimitReservations.ReserveAsync(db, keyId, limits.Rules[i].Name, start, window.WindowSeconds, window.Limit, weight, share, cancellationToken);
            lock (limits.Lock)
            {
                window.Roll(nowMs);
                if (window.WindowStartSeconds != start)
                {
                    continue;
                }

                window.Tokens += result.Granted;
                window.Previous = result.Previous;
                window.ClusterSpare = Math.Max(0, result.Budget - result.Reserved);
                if (result.Granted == 0)
                {
                    var retry = SlidingWindow.RetryAfter(window.Limit, result.Previous, result.Reserved, nowMs - (start * 1000), window.WindowSeconds * 1000L);
                    window.RefusedUntilMs = nowMs + (retry * 1000);
                }
            }
        }
    }
}
