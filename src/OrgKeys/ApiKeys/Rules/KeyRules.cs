using OrgKeys.Data.Entities;
using IPNetwork = System.Net.IPNetwork;

namespace OrgKeys.ApiKeys.Rules;

/// <summary>
/// What a key must pass on every use besides being live, read once with the key and cached with it:
/// a policy that blocks it, its allowlist, its rate limits and whether it spends credits. A key with
/// none of them shares <see cref="None"/>, and the gate costs it one reference compare.
/// </summary>
public sealed class KeyRules
{
    public static readonly KeyRules None = new([], false, null, null, null);

    private KeyRules(RateLimitRule[] rateLimits, bool hasCredits, IPNetwork[]? allowedIps, string? blockedBy, int? creditsOf)
    {
        RateLimits = rateLimits;
        HasCredits = hasCredits;
        AllowedIps = allowedIps;
        BlockedBy = blockedBy;
        CreditsOf = creditsOf;
    }

    /// <summary>
    /// Set on a rolled key in its grace: the key whose balance it spends, the one that replaced it (the
    /// credits moved there with the roll). Null: its own.
    /// </summary>
    public int? CreditsOf { get; }

    public RateLimitRule[] RateLimits { get; }

    public bool HasCredits { get; }

    /// <summary>Null: every address.</summary>
    public IPNetwork[]? AllowedIps { get; }

    /// <summary>The policy rule the key breaks, when the organization's policy changed after it was made.</summary>
    public string? BlockedBy { get; }

    /// <param name="rateLimits">The key's <see cref="ApiKey.RateLimits"/> column.</param>
    /// <param name="allowedIps">Its <see cref="ApiKey.AllowedIps"/> column.</param>
    /// <param name="creditsRemaining">Its <see cref="ApiKey.CreditsRemaining"/>: null for no credits.</param>
    /// <param name="blockedBy">What <see cref="ApiKeyPolicyRules.Violation"/> said of it.</param>
    /// <param name="rolledTo">Its <see cref="ApiKey.RolledToId"/>.</param>
    public static KeyRules From(string? rateLimits, string? allowedIps, long? creditsRemaining, string? blockedBy, int? rolledTo = null) =>
        rateLimits is null && allowedIps is null && creditsRemaining is null && blockedBy is null
            ? None
            : new KeyRules(
                RateLimitRules.FromColumn(rateLimits), creditsRemaining is not null, IpAllowlist.FromColumn(allowedIps), blockedBy,
                creditsRemaining is not null ? rolledTo : null);
}
