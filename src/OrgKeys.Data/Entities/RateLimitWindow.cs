namespace OrgKeys.Data.Entities;

/// <summary>
/// On several nodes, how much of one fixed window of one key's rate limit the nodes have reserved
/// between them: a node spends only what it reserved, so together they never pass the limit.
/// </summary>
public class RateLimitWindow
{
    public int ApiKeyId { get; set; }
    /// <summary>The limit's name on the key.</summary>
    public required string Name { get; set; }
    /// <summary>Start of the window in whole seconds since the Unix epoch, a multiple of its length.</summary>
    public long WindowStart { get; set; }
    public long Reserved { get; set; }
}
