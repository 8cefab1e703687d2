namespace OrgKeys.Data.Entities;

/// <summary>
/// One report that a key was seen in public (a GitHub secret scanning alert, a disclosure), and what
/// was done about it. Never the key itself: the report names it by id.
/// </summary>
public class ApiKeyExposure
{
    public long Id { get; set; }
    public int ApiKeyId { get; set; }
    public int OrganizationId { get; set; }
    /// <summary>Who reported it: <c>github</c> (with GitHub's own source, e.g. <c>github: content</c>) or <c>disclosure</c>.</summary>
    public required string Source { get; set; }
    /// <summary>Where the key was seen, as the reporter gave it.</summary>
    public string? Url { get; set; }
    public DateTime ReportedAt { get; set; }
    /// <summary>What was done: <c>revoked</c>, <c>notified</c> (the key stays live) or <c>none</c> (it was no longer live).</summary>
    public required string Action { get; set; }
}
