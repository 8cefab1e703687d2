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

    public Organization Organization { get; set; } = null!;
    public User? CreatedByUser { get; set; }
}
