namespace OrgKeys.Authentication.Caching;

/// <summary><c>OrgKeys:AuthCache</c>: how many entries each of the auth caches holds, and for how long at most.</summary>
public sealed class AuthCacheOptions
{
    public const string Section = "OrgKeys:AuthCache";

    public int Capacity { get; set; } = 100_000;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsValid => Capacity > 0 && Lifetime > TimeSpan.Zero;
}
