namespace OrgKeys.Data.Entities;

/// <summary>
/// An organization API key. The secret itself is never stored: only its HMAC-SHA-256 under a
/// server secret that is kept outside the database, and a masked hint for listings.
/// </summary>
public class ApiKey
{
    public int Id { get; set; }
    public int OrganizationId { get; set; }
    public required string Name { get; set; }
    public OrganizationRole Role { get; set; }
    public required byte[] KeyHash { get; set; }
    /// <summary>The server secret version <see cref="KeyHash"/> was made under; moves to the current one on the key's next use.</summary>
    public int SecretVersion { get; set; } = 1;
    public required string Hint { get; set; }
    public DateTime Created { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public int? CreatedByUserId { get; set; }
    public int? CreatedByApiKeyId { get; set; }
    /// <summary>
    /// Set on keys a white label admin minted for one of its inner organizations (and on keys those
    /// keys mint): hidden from the organization, attributable to <see cref="CreatedByUserId"/> or
    /// <see cref="CreatedByApiKeyId"/> of the white label's admin organization.
    /// </summary>
    public int? WhiteLabelId { get; set; }
    /// <summary>When the <c>apikey.expiring</c> event was raised: once, by whichever node got there first.</summary>
    public DateTime? ExpiringNoticeAt { get; set; }
    /// <summary>When the <c>apikey.expired</c> event was raised.</summary>
    public DateTime? ExpiredNoticeAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public string? LastUsedIp { get; set; }

    /// <summary>The key this one replaced by a roll; it keeps working until its grace ends.</summary>
    public int? RolledFromId { get; set; }
    /// <summary>The key that replaced this one by a roll.</summary>
    public int? RolledToId { get; set; }
    /// <summary>
    /// On a key rolled with <c>graceFromFirstUse</c>: its grace, which starts (sets <see cref="ExpiresAt"/>)
    /// when the key that replaced it is first used. Cleared once started.
    /// </summary>
    public int? PendingGraceSeconds { get; set; }

    /// <summary>Sliding-window rate limits, as JSON <c>[{name, limit, windowSeconds}]</c>; null: none.</summary>
    public string? RateLimits { get; set; }
    /// <summary>The addresses the key may be used from, as JSON <c>["203.0.113.0/24", …]</c>; null: any.</summary>
    public string? AllowedIps { get; set; }
    /// <summary>
    /// Usage credits left, null when the key has none (unlimited). Nodes take credits from this column
    /// in small reservations before they spend them, so it never counts more than were left.
    /// </summary>
    public long? CreditsRemaining { get; set; }
    /// <summary>What <see cref="CreditsRemaining"/> is set back to at each refill; null: no refill.</summary>
    public long? CreditsRefillAmount { get; set; }
    /// <summary><c>daily</c> (at 00:00 UTC) or <c>monthly</c> (on <see cref="CreditsRefillDay"/>, 00:00 UTC).</summary>
    public string? CreditsRefillInterval { get; set; }
    /// <summary>Day of the month of a monthly refill, 1 to 31 (the month's last day when it is shorter).</summary>
    public int? CreditsRefillDay { get; set; }
    /// <summary>The refill boundary the credits were last refilled at (or the key created at).</summary>
    public DateTime? CreditsRefilledAt { get; set; }
    /// <summary>When <c>apikey.rate_limited</c> was last raised: at most once a minute per key, cluster-wide.</summary>
    public DateTime? RateLimitedNoticeAt { get; set; }
    /// <summary>The balance last set through the API (or at creation): what <c>apikey.credits_low</c> counts 10% of when the key has no refill.</summary>
    public long? CreditsAllotment { get; set; }
    /// <summary>The balance (its <see cref="CreditsRefilledAt"/>) <c>apikey.credits_low</c> was raised for: once per balance, cluster-wide.</summary>
    public DateTime? CreditsLowNoticeFor { get; set; }

    public Organization Organization { get; set; } = null!;
    public User? CreatedByUser { get; set; }
}
