using System.Globalization;
using OrgKeys.ApiKeys.Rules;
using OrgKeys.Authentication.Carriers;

namespace OrgKeys.KeyLimits;

/// <summary>
/// What a valid key must still pass on every request, in the API and in <c>/v1/auth/check</c> alike
/// (the fast path included): the organization's policy (403), its allowlist (403), its rate limits
/// (429) and its credits (429). A key with none of these pays one reference compare. An admitted
/// request with rate limits carries the <c>RateLimit-Policy</c> and <c>RateLimit</c> headers.
/// </summary>
public sealed class KeyGate(KeyRateLimiter limiter, CreditBank credits, RateLimitedEvents events, TimeProvider time)
{
    public const string UsedUp = "This API key's usage credits are used up.";
    public const string TooFew = "This API key has fewer usage credits left than this request costs.";

    /// <summary>From memory when it can: null for admitted, the refusal, or a task when the database must be asked.</summary>
    public ValueTask<GateRefusal?> PassAsync(VerifiedApiKey key, HttpContext http, long cost)
    {
        var rules = key.Rules;
        if (ReferenceEquals(rules, KeyRules.None))
        {
            return default;
        }

        if (rules.BlockedBy is { } blockedBy)
        {
            return new(new GateRefusal(StatusCodes.Status403Forbidden, $"This API key is blocked by the organization's key policy: {blockedBy}"));
        }

        if (rules.AllowedIps is { } networks && !IpAllowlist.Allows(networks, http.Connection.RemoteIpAddress))
        {
            return new(new GateRefusal(StatusCodes.Status403Forbidden, "This API key may not be used from this address (allowedIps)."));
        }

        if (rules.RateLimits.Length > 0)
        {
            var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (limiter.TryAdmit(key, nowMs) is not { } decision)
            {
                return ReserveThenPassAsync(key, http, cost);
            }

            if (Refusal(decision, http, nowMs) is { } refused)
            {
                events.Refused(key.Id, key.OrganizationId, decision.Limits.Rules[decision.Refused].Name);
                return new(refused);
            }
        }

        return rules.HasCredits ? Spend(key, cost) : default;
    }

    private async ValueTask<GateRefusal?> ReserveThenPassAsync(VerifiedApiKey key, HttpContext http, long cost)
    {
        var decision = await limiter.AdmitAsync(key, http.RequestAborted);
        if (Refusal(decision, http, time.GetUtcNow().ToUnixTimeMilliseconds()) is { } refused)
        {
            events.Refused(key.Id, key.OrganizationId, decision.Limits.Rules[decision.Refused].Name);
            return refused;
        }

        return key.Rules.HasCredits ? await Spend(key, cost) : null;
    }

    /// <summary>Null when admitted, with the headers set; else the 429.</summary>
    private static GateRefusal? Refusal(in RateDecision decision, HttpContext http, long nowMs)
    {
        if (decision.Admitted)
        {
            var headers = http.Response.Headers;
            headers[RateLimitHeaders.Policy] = decision.Limits.PolicyHeader;
            headers[RateLimitHeaders.Current] = decision.Header;
            return null;
        }

        var retryAfter = decision.Limits.RetryAfterSeconds(decision.Refused, nowMs);
        return new GateRefusal(StatusCodes.Status429TooManyRequests, decision.Limits.RefusalMessage(decision.Refused))
        {
            RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture),
            RateLimitPolicy = decision.Limits.PolicyHeader,
            RateLimit = decision.Header,
        };
    }

    /// <summary>From the key's own balance, or in a rolled key's grace from the balance that moved to its successor.</summary>
    private ValueTask<GateRefusal?> Spend(VerifiedApiKey key, long cost)
    {
        var balance = key.Rules.CreditsOf ?? key.Id;
        return credits.TrySpend(balance, cost) switch
        {
            CreditVerdict.Spent => default,
            CreditVerdict.UsedUp => new(UsedUpRefusal(credits.UsedUpUntil(balance))),
            _ => SpendAsync(balance, cost),
        };
    }

    private async ValueTask<GateRefusal?> SpendAsync(int balance, long cost)
    {
        var (verdict, nextRefill) = await credits.SpendAsync(balance, cost, CancellationToken.None);
        return verdict switch
        {
            CreditVerdict.Spent => null,
            CreditVerdict.TooFew => new GateRefusal(StatusCodes.Status429TooManyRequests, TooFew),
            _ => UsedUpRefusal(nextRefill),
        };
    }

    private GateRefusal UsedUpRefusal(DateTime? nextRefill) =>
        new(StatusCodes.Status429TooManyRequests, UsedUp)
        {
            RetryAfter = nextRefill is { } next && next != DateTime.MaxValue
                ? Math.Max(1, (long)Math.Ceiling((next - time.GetUtcNow().UtcDateTime).TotalSeconds)).ToString(CultureInfo.InvariantCulture)
                : null,
        };
}
