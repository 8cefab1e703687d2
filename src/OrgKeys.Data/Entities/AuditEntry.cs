namespace OrgKeys.Data.Entities;

/// <summary>
/// One recorded change: who (a user or a key, and the white label on whose behalf), when, from
/// which address, what. Never a secret: keys and users are named by id.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>The organization the change was made in.</summary>
    public int OrganizationId { get; set; }
    /// <summary>What happened, e.g. <c>apikey.create</c>, <c>member.remove</c>.</summary>
    public required string Action { get; set; }
    public int? ActorUserId { get; set; }
    public int? ActorApiKeyId { get; set; }
    /// <summary>Set when a white label admin, or a key minted for one, made the change.</summary>
    public int? WhiteLabelId { get; set; }
    /// <summary>Set when no person or key acted, e.g. <c>secret scanning: github</c>.</summary>
    public string? ActorName { get; set; }
    public string? Address { get; set; }
    /// <summary>The key the change was about, if any.</summary>
    public int? ApiKeyId { get; set; }
    /// <summary>The user (member) the change was about, if any.</summary>
    public int? UserId { get; set; }
    /// <summary>A short, secret-free detail such as the role given.</summary>
    public string? Detail { get; set; }

    public ApiKey? ApiKey { get; set; }
}
