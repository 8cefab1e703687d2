using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys.Rules;

/// <summary>
/// The rules a request sets on a key, validated: rate limits, credits and allowlist. Null in a field
/// means the request did not name it (at creation, the organization's default applies).
/// </summary>
public sealed record KeyRuleSettings(RateLimitRule[]? RateLimits, CreditsSettings? Credits, string[]? AllowedIps)
{
    public static readonly KeyRuleSettings None = new(null, null, null);

    /// <summary>Checks what a request gave; the error names the field.</summary>
    public static (KeyRuleSettings? Settings, string? Error) From(
        IReadOnlyList<RateLimitInput?>? rateLimits, CreditsInput? credits, IReadOnlyList<string?>? allowedIps)
    {
        RateLimitRule[]? limits = null;
        if (rateLimits is not null)
        {
            (limits, var error) = RateLimitRules.From(rateLimits);
            if (error is not null)
            {
                return (null, error);
            }
        }

        CreditsSettings? creditSettings = null;
        if (credits is not null)
        {
            (creditSettings, var error) = CreditsSettings.From(credits);
            if (error is not null)
            {
                return (null, error);
            }
        }

        string[]? networks = null;
        if (allowedIps is not null)
        {
            (networks, var error) = IpAllowlist.From(allowedIps);
            if (error is not null)
            {
                return (null, error);
            }
        }

        return (new KeyRuleSettings(limits, creditSettings, networks), null);
    }

    /// <summary>Writes the credits onto a key: the remaining count, the refill and the boundary it counts from.</summary>
    public static void SetCredits(ApiKey key, CreditsSettings? credits, DateTime now)
    {
        key.CreditsRemaining = credits?.Remaining;
        key.CreditsAllotment = credits?.Remaining;
        key.CreditsRefillAmount = credits?.RefillAmount;
        key.CreditsRefillInterval = credits?.RefillInterval;
        key.CreditsRefillDay = credits?.RefillDay;
        // Labels the new balance: a node holding credits reserved from the old one drops them rather than spend them
        // (CreditBank), and the next refill is the first boundary after now.
        key.CreditsRefilledAt = credits is null ? null : now;
    }
}
