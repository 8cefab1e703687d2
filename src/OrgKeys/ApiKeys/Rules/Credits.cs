namespace OrgKeys.ApiKeys.Rules;

/// <summary>A key's usage credits as a request gives them: <c>{remaining, refill?: {amount, interval, refillDay?}}</c>.</summary>
public sealed record CreditsInput(long? Remaining, CreditsRefillInput? Refill);

public sealed record CreditsRefillInput(long? Amount, string? Interval, int? RefillDay);

/// <summary>Validated credits: what is left now, and what it is set back to at each refill.</summary>
public sealed record CreditsSettings(long Remaining, long? RefillAmount, string? RefillInterval, int? RefillDay)
{
    public const long MaxCredits = 1_000_000_000_000;
    public const string Daily = "daily";
    public const string Monthly = "monthly";

    /// <summary>The settings, or the 400's sentence.</summary>
    public static (CreditsSettings? Credits, string? Error) From(CreditsInput input)
    {
        if (input.Remaining is not (>= 0 and <= MaxCredits))
        {
            return (null, $"'credits.remaining' is required and must be a whole number from 0 to {MaxCredits}.");
        }

        if (input.Refill is not { } refill)
        {
            return (new CreditsSettings(input.Remaining.Value, null, null, null), null);
        }

        var error = refill switch
        {
            { Amount: not (>= 1 and <= MaxCredits) } => $"'credits.refill.amount' must be a whole number from 1 to {MaxCredits}.",
            { Interval: not (Daily or Monthly) } => "'credits.refill.interval' must be 'daily' or 'monthly'.",
            { Interval: Daily, RefillDay: not null } => "'credits.refill.refillDay' applies to a monthly refill only.",
            { RefillDay: not (null or (>= 1 and <= 31)) } => "'credits.refill.refillDay' must be a day of the month from 1 to 31.",
            _ => null,
        };
        return error is not null
            ? (null, error)
            : (new CreditsSettings(input.Remaining.Value, refill.Amount, refill.Interval, refill.Interval == Monthly ? refill.RefillDay ?? 1 : null), null);
    }

    /// <summary>
    /// The latest refill boundary at or before <paramref name="now"/>: 00:00 UTC of today (daily) or of
    /// this month's refill day, the month's last day when it is shorter (monthly). Null without a refill.
    /// </summary>
    public static DateTime? LastRefill(string? interval, int? refillDay, DateTime now)
    {
        switch (interval)
        {
            case Daily:
                return now.Date;
            case Monthly:
                var day = refillDay ?? 1;
                var thisMonth = OnDay(now.Year, now.Month, day);
                if (thisMonth <= now)
                {
                    return thisMonth;
                }

                var previous = now.AddMonths(-1);
                return OnDay(previous.Year, previous.Month, day);
            default:
                return null;
        }
    }

    /// <summary>The first refill boundary after <paramref name="now"/>, for a used-up key's <c>Retry-After</c>.</summary>
    public static DateTime? NextRefill(string? interval, int? refillDay, DateTime now)
    {
        switch (interval)
        {
            case Daily:
                return now.Date.AddDays(1);
            case Monthly:
                var day = refillDay ?? 1;
                var thisMonth = OnDay(now.Year, now.Month, day);
                if (thisMonth > now)
                {
                    return thisMonth;
                }

                var next = now.AddMonths(1);
                return OnDay(next.Year, next.Month, day);
            default:
                return null;
        }
    }

    private static DateTime OnDay(int year, int month, int day) =>
        new(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)), 0, 0, 0, DateTimeKind.Utc);
}
