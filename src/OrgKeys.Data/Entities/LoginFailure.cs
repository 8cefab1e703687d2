namespace OrgKeys.Data.Entities;

/// <summary>
/// A run of failed password checks for one account or one address, shared by every node so that
/// N nodes give an attacker no more guesses than one. <see cref="LastMs"/> is Unix milliseconds so
/// the decay is plain integer arithmetic in either database.
/// </summary>
public class LoginFailure
{
    /// <summary><c>account:u:{id}</c>, <c>account:n:{name}</c> for unknown names, or <c>address:{ip}</c>.</summary>
    public required string Key { get; set; }
    public int Count { get; set; }
    public long LastMs { get; set; }
}
