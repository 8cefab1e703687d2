namespace OrgKeys.Throttling;

/// <summary>The limits on guessing passwords: <c>OrgKeys:Login</c>.</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "OrgKeys:Login";

    /// <summary>Consecutive failures on one account before each further attempt must wait.</summary>
    public int FreeAttemptsPerAccount { get; set; } = 5;

    /// <summary>Failures from one address before its wrong passwords are answered 429.</summary>
    public int FreeAttemptsPerAddress { get; set; } = 20;

    /// <summary>An address's count loses one failure per this much time without failures.</summary>
    public TimeSpan AddressDecay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Consecutive failures after which the account is locked (NIST SP 800-63B: at most 100).</summary>
    public int LockoutAfter { get; set; } = 100;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest growing delay between attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);
}
