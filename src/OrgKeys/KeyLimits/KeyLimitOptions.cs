namespace OrgKeys.KeyLimits;

/// <summary><c>OrgKeys:KeyLimits</c>: how much of a key's rate limits and credits a node takes from the database at a time.</summary>
public sealed class KeyLimitOptions
{
    public const string Section = "OrgKeys:KeyLimits";

    /// <summary>
    /// The most credits a node reserves at once (default 1,000), and never more than an eighth of what
    /// was left: what a crash of that node can lose at most. Each reservation is a database write, so
    /// this is also what keeps a busy key's spending from costing a write per request.
    /// </summary>
    public int CreditReservation { get; set; } = 1000;

    /// <summary>
    /// On several nodes (PostgreSQL), a node reserves a rate limit's window in shares of
    /// limit / <c>RateLimitShares</c> (default 20, at least 1 request): the most a node can hold unspent.
    /// </summary>
    public int RateLimitShares { get; set; } = 20;
}
