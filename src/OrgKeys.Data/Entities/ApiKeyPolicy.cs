namespace OrgKeys.Data.Entities;

/// <summary>What happens when one of the organization's keys is reported exposed.</summary>
public enum ExposureAction
{
    /// <summary>The key is revoked at once (the default).</summary>
    Revoke,
    /// <summary>The key stays live; the exposure is only recorded.</summary>
    Notify,
}

/// <summary>
/// An organization's key policy, one row per organization that set one; an organization without a
/// row has the defaults. The full key policy extends this row.
/// </summary>
public class ApiKeyPolicy
{
    public const int DefaultExpiringNoticeDays = 7;

    public int OrganizationId { get; set; }
    public ExposureAction OnExposure { get; set; }
    /// <summary>How many days before a key expires the <c>apikey.expiring</c> event is raised; 0: never.</summary>
    public int ExpiringNoticeDays { get; set; } = DefaultExpiringNoticeDays;

    /// <summary>The longest a key may live from its creation; null: no limit.</summary>
    public long? MaxTtlSeconds { get; set; }
    /// <summary>Whether every key must have an expiry.</summary>
    public bool RequireExpiry { get; set; }
    /// <summary>The roles keys may have, comma-separated (<c>admin,member</c>); null: any.</summary>
    public string? AllowedRoles { get; set; }
    /// <summary>Rate limits a new key gets when its request names none, as the key's JSON.</summary>
    public string? DefaultRateLimits { get; set; }
    /// <summary>The allowlist a new key gets when its request names none, as the key's JSON.</summary>
    public string? DefaultAllowedIps { get; set; }
}
