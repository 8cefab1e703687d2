using System.Globalization;
using OrgKeys.ApiKeys.Rules;

namespace OrgKeys.KeyLimits;

/// <summary>What a key's rate limits said of one request.</summary>
internal enum RateVerdict
{
    Admitted,
    Refused,
    /// <summary>On several nodes: this node holds no share of some window, and must reserve one.</summary>
    NeedsShare,
}

/// <summary>
/// One key's rate limits on this node: a <see cref="SlidingWindow"/> per limit, judged together
/// under one lock, so a request is counted against every limit or none.
/// </summary>
internal sealed class KeyRateLimits
{
    private readonly Lock _lock = new();
    private readonly string[] _names;

    public KeyRateLimits(RateLimitRule[] rules)
    {
        Rules = rules;
        LastSeen = rules;
        _names = [.. rules.Select(r => r.Name)];
        Windows = [.. rules.Select(r => new SlidingWindow(r.Limit, r.WindowSeconds))];
        PolicyHeader = RateLimitHeaders.PolicyOf(Windows, _names);
    }

    public RateLimitRule[] Rules { get; }

    /// <summary>The rules array of the cached key last matched to these limits (the cache makes a new one on each reload).</summary>
    public RateLimitRule[] LastSeen { get; set; }

    public SlidingWindow[] Windows { get; }

    public string PolicyHeader { get; }

    public long LastUseMs { get; private set; }

    public Lock Lock => _lock;

    /// <summary>On several nodes: one reservation at a time for this key.</summary>
    public SemaphoreSlim Reserving { get; } = new(1, 1);

    /// <param name="nowMs">Now, in ms since the epoch.</param>
    /// <param name="cluster">Whether admission spends shares reserved through the database.</param>
    /// <param name="refused">The limit that refused, or for <see cref="RateVerdict.NeedsShare"/> the first without a share.</param>
    /// <param name="header">The <c>RateLimit</c> header of the answer.</param>
    public RateVerdict TryAdmit(long nowMs, bool cluster, out int refused, out string header)
    {
        lock (_lock)
        {
            LastUseMs = nowMs;
            refused = -1;
            for (var i = 0; i < Windows.Length; i++)
            {
                var window = Windows[i];
                window.Roll(nowMs);
                var verdict = cluster ? ClusterVerdict(window, nowMs) : window.Fits(nowMs) ? RateVerdict.Admitted : RateVerdict.Refused;
                if (verdict != RateVerdict.Admitted)
                {
                    refused = i;
                    header = verdict == RateVerdict.Refused ? Header(i, nowMs, cluster) : "";
                    return verdict;
                }
            }

            var closest = 0;
            for (var i = 0; i < Windows.Length; i++)
            {
                Windows[i].Count();
                if (cluster)
                {
                    Windows[i].Tokens--;
                }

                if (Remaining(i, nowMs, cluster) < Remaining(closest, nowMs, cluster))
                {
                    closest = i;
                }
            }

            header = Header(closest, nowMs, cluster);
            return RateVerdict.Admitted;
        }
    }

    /// <summary>The 429's sentence for the limit that refused.</summary>
    public string RefusalMessage(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"Rate limit '{_names[index]}' of this API key exceeded: {Windows[index].Limit} requests per {Windows[index].WindowSeconds} s.");

    public long RetryAfterSeconds(int index, long nowMs)
    {
        lock (_lock)
        {
            var window = Windows[index];
            return window.RefusedUntilMs > nowMs
                ? Math.Max(1, (window.RefusedUntilMs - nowMs + 999) / 1000)
                : window.RetryAfterSeconds(nowMs);
        }
    }

    private static RateVerdict ClusterVerdict(SlidingWindow window, long nowMs) =>
        window.Tokens > 0 ? RateVerdict.Admitted
        : window.RefusedUntilMs > nowMs ? RateVerdict.Refused
        : RateVerdict.NeedsShare;

    /// <summary>On one node, what the sliding estimate leaves; on several, the share in hand plus what the cluster had left at the last reservation.</summary>
    private long Remaining(int index, long nowMs, bool cluster) =>
        cluster ? Windows[index].Tokens + Windows[index].ClusterSpare : Windows[index].Remaining(nowMs);

    private string Header(int index, long nowMs, bool cluster) =>
        RateLimitHeaders.CurrentOf(_names[index], Remaining(index, nowMs, cluster), Windows[index].SecondsToWindowEnd(nowMs));
}
