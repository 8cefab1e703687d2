namespace OrgKeys.Users;

/// <summary>Self sign-up: <c>OrgKeys:Signup</c>.</summary>
public sealed class SignupOptions
{
    public const string Section = "OrgKeys:Signup";

    /// <summary>Off by default: an operator creates accounts with the CLI.</summary>
    public bool Enabled { get; set; }
}
