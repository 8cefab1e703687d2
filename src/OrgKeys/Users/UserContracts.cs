namespace OrgKeys.Users;

public sealed record LoginRequest(string? Username, string? Password, string? Uuid, string? SsoType, string? SessionId, string? TotpToken);

public sealed record LoginResponse(string Token)
{
    public bool Success => true;
}

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record CreateUserRequest(string? Name, string? Username, string? Email, string? Password, bool? PrivacyPolicy);

public sealed record CreateUserResponse(int Id)
{
    public bool Success => true;
}

public sealed record StaffInfo(bool IsStaff, bool HasSudoRights)
{
    public static readonly StaffInfo None = new(false, false);
}

public sealed record ProjectLicense(string Name, string Link)
{
    public static readonly ProjectLicense Default = new("Apache 2.0", "https://www.apache.org/licenses/LICENSE-2.0");
}

public sealed record UserOrganization(
    int Id, string Name, string? Logo, bool IsDeveloperProfile, int? WhitelabelId, bool IsAdmin, DateTime Created,
    object? TrialId, DateTime? TrialExpiredDate, DateTime? TrialUpgradedDate, IReadOnlyDictionary<string, object> EntitlementLimits,
    int UserCount, int AdminCount, int PrivateProjectCount, DateTime? LastAccessed, ProjectLicense PublicProjectLicense);

public sealed record GetUserResponse(
    int Id, string Username, string Name, string Email, string? Photo, DateTime Created, DateTime? LastSeen,
    StaffInfo StaffInfo, bool Pending, bool Activated, bool MfaConfigured, string Tier,
    IReadOnlyList<UserOrganization> Organizations, IReadOnlyList<object> Projects, IReadOnlyList<object> Experiments)
{
    public bool Success => true;
}

public sealed record ListUserOrganizationsResponse(IReadOnlyList<UserOrganization> Organizations)
{
    public bool Success => true;
}

/// <summary>Self sign-up: <c>OrgKeys:Signup</c>.</summary>
public sealed class SignupOptions
{
    public const string Section = "OrgKeys:Signup";

    /// <summary>Off by default: an operator creates accounts with the CLI.</summary>
    public bool Enabled { get; set; }
}
