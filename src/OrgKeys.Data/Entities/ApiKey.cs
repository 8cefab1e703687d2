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
    public required string Hint { get; set; }
    public DateTime Created { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public int? CreatedByUserId { get; set; }
    public int? CreatedByApiKeyId { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public string? LastUsedIp { get; set; }

    public Organization Organization { get; set; } = null!;
    public User? CreatedByUser { get; set; }
}
