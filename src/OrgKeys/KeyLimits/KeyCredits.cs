namespace OrgKeys.KeyLimits;

/// <summary>One key's credits on this node: the reservation in hand, the balance it came from, and whether the key is used up.</summary>
internal sealed class KeyCredits
{
    private readonly Lock _lock = new();
    private long _tokens;
    private DateTime? _tag;
    private DateTime _lastSpend;
    private bool _mustCheck;
    private long _lastTake;
    private bool _toppingUp;
    private long _left;
    private CreditsLow? _armed;
    private DateTime? _noticedTag;

    /// <summary>One reservation at a time for this key on this node.</summary>
    public SemaphoreSlim Reserving { get; } = new(1, 1);

    /// <summary>Set while the key is used up: until its next refill (<see cref="DateTime.MaxValue"/> without one).</summary>
    public DateTime? UsedUpUntil { get; private set; }

    public long Held
    {
        get
        {
            lock (_lock)
            {
                return _tokens;
            }
        }
    }

    /// <param name="cost">Credits to spend.</param>
    /// <param name="now">Now.</param>
    /// <param name="topUp">Set when this spend left less than a quarter of the last reservation: the caller reserves more in the background, so requests seldom wait for the database.</param>
    /// <param name="low">Set when this spend took the balance to its credits_low threshold: the caller queues the event.</param>
    public CreditVerdict TrySpend(long cost, DateTime now, out bool topUp, out CreditsLow? low)
    {
        lock (_lock)
        {
            _lastSpend = now;
            topUp = false;
            low = null;
            if (_mustCheck)
            {
                return CreditVerdict.NeedsReservation;
            }

            if (_tokens >= cost)
            {
                _tokens -= cost;
                topUp = !_toppingUp && _lastTake > 4 && _tokens < _lastTake / 4;
                _toppingUp |= topUp;
                low = NoticeLow();
                return CreditVerdict.Spent;
            }

            return UsedUpUntil is { } until && now < until ? CreditVerdict.UsedUp : CreditVerdict.NeedsReservation;
        }
    }

    /// <summary>
    /// How many to take from a balance of <paramref name="remaining"/> labelled <paramref name="tag"/>:
    /// what a spend of <paramref name="cost"/> lacks, and up to a reservation more while plenty is left;
    /// 0 when the balance cannot cover it. Credits held from another balance are dropped, never returned.
    /// </summary>
    public long PlanReservation(DateTime? tag, long cost, long remaining, long reservation)
    {
        lock (_lock)
        {
            if (_tag != tag)
            {
                _tokens = 0;
            }

            var need = cost - _tokens;
            return need <= 0 ? 0 : remaining < need ? 0 : Math.Min(remaining, Math.Max(need, Math.Min(reservation, remaining / 8)));
        }
    }

    /// <summary>
    /// A reservation of <paramref name="taken"/> went through (possibly of none), leaving
    /// <paramref name="left"/> in the database. Null when the spend can go ahead; else why not: the
    /// key is used up (remembered until <paramref name="nextRefill"/>), or has less than the cost left.
    /// <paramref name="armed"/>: the balance's credits_low notice when not yet raised; <paramref name="low"/> is set when it is due now.
    /// </summary>
    public CreditVerdict? Reserved(DateTime? tag, long taken, long left, long cost, DateTime? nextRefill, CreditsLow? armed, out CreditsLow? low)
    {
        lock (_lock)
        {
            _tag = tag;
            _tokens += taken;
            _left = left;
            _armed = armed is { } notice && notice.Tag != _noticedTag ? notice : null;
            low = NoticeLow();
            _mustCheck = false;
            _lastTake = taken > 0 ? taken : _lastTake;
            UsedUpUntil = _tokens + left == 0 ? nextRefill ?? DateTime.MaxValue : null;
            return _tokens >= cost ? null : UsedUpUntil is null ? CreditVerdict.TooFew : CreditVerdict.UsedUp;
        }
    }

    /// <summary>Once per balance on this node: what is held here plus what the database has left, at or under the threshold.</summary>
    private CreditsLow? NoticeLow()
    {
        if (_armed is not { } notice || _left + _tokens > notice.Threshold)
        {
            return null;
        }

        _armed = null;
        _noticedTag = notice.Tag;
        return notice with { Remaining = _left + _tokens };
    }

    /// <summary>The background reservation <see cref="TrySpend"/> asked for is over, whatever its outcome.</summary>
    public void ToppedUp()
    {
        lock (_lock)
        {
            _toppingUp = false;
        }
    }

    /// <summary>Whether a background reservation should still go ahead: nothing changed meanwhile that calls for a check instead.</summary>
    public bool StillLow
    {
        get
        {
            lock (_lock)
            {
                return !_mustCheck && UsedUpUntil is null && _tokens < _lastTake / 4;
            }
        }
    }

    public void MustCheck()
    {
        lock (_lock)
        {
            _mustCheck = true;
            UsedUpUntil = null;
        }
    }

    /// <summary>Hands over what is held when the key has not been used since <paramref name="idleSince"/>.</summary>
    public (long Amount, DateTime? Tag)? TakeBackIfIdle(DateTime idleSince)
    {
        lock (_lock)
        {
            if (_tokens == 0 || _lastSpend >= idleSince)
            {
                return null;
            }

            var held = (_tokens, _tag);
            _tokens = 0;
            return held;
        }
    }
}
