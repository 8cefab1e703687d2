namespace OrgKeys.KeyLimits;

/// <summary><c>OrgKeys:KeyLimits</c>: how much of a key's rate limits and credits a node takes from the database at a time.</summary>
public sealed class KeyLimitOptions
{
    public const string Section = "OrgKeys:KeyLimits";

    /// <summary>
    /// The most credits a node reserves at once (default 100): what a crash of that node can lose
    /// at most, and never more than was left. A node takes less when few are left.
    /// </summary>
    public int CreditReservation { get; set; } = 100;

    /// <summary>
    /// On several nodes (PostgreSQL), a node reserves a rate limit's window in shares of
    /// limit / <c>RateLimitShares</c> (default 20, at least 1 request): the most a node can hold unspent.
    /// </summary>
    public int RateLimitShares { get; set; } = 20;
}
