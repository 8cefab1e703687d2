namespace OrgKeys.KeyLimits;

/// <summary>
/// One rate limit's sliding-window counter: the requests of the current fixed window plus the
/// previous window's, weighted by how much of it the sliding window still covers. A request is
/// admitted while that estimate stays within the limit, so no fixed window ever admits more than the
/// limit. Not thread-safe: <see cref="KeyRateLimits"/> locks around it.
/// </summary>
internal sealed class SlidingWindow(int limit, int windowSeconds)
{
    private readonly long _windowMs = windowSeconds * 1000L;
    private long _windowIndex = long.MinValue;

    public int Limit { get; } = limit;

    public int WindowSeconds { get; } = windowSeconds;

    /// <summary>Requests admitted in the current window (on several nodes: the node's reservations, spent or not).</summary>
    public long Current { get; private set; }

    /// <summary>The previous window's count (on several nodes: the cluster's reservations in it).</summary>
    public long Previous { get; set; }

    /// <summary>On several nodes: reserved for this node in the current window and not yet spent.</summary>
    public long Tokens { get; set; }

    /// <summary>On several nodes: what the cluster had left of the window at this node's last reservation.</summary>
    public long ClusterSpare { get; set; }

    /// <summary>On several nodes: the cluster was out of budget until then (ms since the epoch).</summary>
    public long RefusedUntilMs { get; set; }

    public long WindowStartSeconds => _windowIndex * WindowSeconds;

    /// <summary>Moves to the window <paramref name="nowMs"/> falls in.</summary>
    public void Roll(long nowMs)
    {
        var index = nowMs / _windowMs;
        if (index == _windowIndex)
        {
            return;
        }

        Previous = index == _windowIndex + 1 ? Current : 0;
        Current = 0;
        Tokens = 0;
        ClusterSpare = 0;
        _windowIndex = index;
    }

    /// <summary>How much of the previous window the sliding window still covers, 0 to 1.</summary>
    public double PreviousWeight(long nowMs) => 1 - ((double)(nowMs - (_windowIndex * _windowMs)) / _windowMs);

    /// <summary>The sliding estimate of requests in the last window length.</summary>
    public double Estimate(long nowMs) => (Previous * PreviousWeight(nowMs)) + Current;

    /// <summary>Whether one more request fits (this node alone).</summary>
    public bool Fits(long nowMs) => Estimate(nowMs) + 1 <= Limit;

    public void Count() => Current++;

    /// <summary>What is left of the limit now, for the <c>RateLimit</c> header.</summary>
    public long Remaining(long nowMs) => Math.Max(0, (long)Math.Floor(Limit - Estimate(nowMs)));

    /// <summary>Seconds until the current fixed window ends, for the <c>RateLimit</c> header's <c>t</c>.</summary>
    public long SecondsToWindowEnd(long nowMs) => Math.Max(1, (((_windowIndex + 1) * _windowMs) - nowMs + 999) / 1000);

    /// <summary>
    /// Whole seconds until one more request fits, for <c>Retry-After</c>: when enough of the previous
    /// window has slid out or, when the current window alone is full, that much into the next one.
    /// </summary>
    public long RetryAfterSeconds(long nowMs) => RetryAfter(Limit, Previous, Current, nowMs - (_windowIndex * _windowMs), _windowMs);

    /// <param name="limit">The limit.</param>
    /// <param name="previous">The previous window's count.</param>
    /// <param name="current">The current window's.</param>
    /// <param name="elapsedMs">How far into the current window.</param>
    /// <param name="windowMs">The window's length.</param>
    public static long RetryAfter(long limit, long previous, long current, long elapsedMs, long windowMs)
    {
        double waitMs;
        if (current + 1 <= limit)
        {
            // The previous window must slide out until previous * (1 - f) <= limit - current - 1.
            var fraction = previous == 0 ? 0 : 1 - ((double)(limit - current - 1) / previous);
            waitMs = (fraction * windowMs) - elapsedMs;
        }
        else
        {
            // Next window: the current one becomes the previous, and must slide out as far.
            var fraction = 1 - ((double)(limit - 1) / current);
            waitMs = (windowMs - elapsedMs) + (fraction * windowMs);
        }

        return Math.Max(1, (long)Math.Ceiling(waitMs / 1000));
    }
}
