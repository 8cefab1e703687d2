using OrgKeys.Organizations;

namespace OrgKeys.WhiteLabels;

/// <summary>
/// The contract's <c>Whitelabel</c>. OrgKeys keeps only the identity of a white label; the branding
/// and deployment fields the type requires are answered with their neutral values.
/// </summary>
public sealed record WhiteLabelInfo(int Id, string Name, string Domain, int OwnerOrganizationId)
{
    public int ThemeId => 0;
    public IReadOnlyList<string> IdentityProviders => [];
    public bool AllowPasswordAuth => true;
    public IReadOnlyList<string> DeploymentTargets => [];
    public IReadOnlyList<string> AllDeploymentTargets => [];
    public bool AllowSignup => false;
    public bool AllowFreeProjects => false;
    public IReadOnlyList<string> SupportedProjectTypes => [];
    public bool AllowNewProjectUi => true;
    public IReadOnlyList<string> LearningBlocks => [];
    public IReadOnlyList<object> AllLearningBlocks => [];
    public IReadOnlyList<object> DevelopmentBoards => [];
    public IReadOnlyList<object> AllDevelopmentBoards => [];
}

public sealed record GetWhiteLabelResponse(WhiteLabelInfo Whitelabel)
{
    public bool Success => true;
}

public sealed record WhiteLabelCreateOrganizationRequest(string? OrganizationName, int? AdminId, string? AdminEmail);

public sealed record InnerOrganization(int Id, string Name, DateTime Created, int WhitelabelId, int PrivateProjectCount, DateTime? DeletedDate);

public sealed record WhiteLabelOrganizationsResponse(int Total, IReadOnlyList<InnerOrganization> Organizations)
{
    public bool Success => true;
}

/// <summary><c>AdminOrganizationInfoResponse</c>: the organization's fields at the top level, as the contract flattens them.</summary>
public sealed record WhiteLabelOrganizationInfoResponse(
    int Id, string Name, IReadOnlyList<OrganizationUser> Users, int? WhitelabelId, string? WhitelabelName,
    DateTime Created, DateTime? DeletedDate)
{
    public bool Success => true;
    public string? Logo => null;
    public bool ShowHeaderImgMask => false;
    public bool IsDeveloperProfile => false;
    public IReadOnlyList<object> Projects => [];
    public object? TrialId => null;
    public DateTime? TrialExpiredDate => null;
    public DateTime? TrialUpgradedDate => null;
    public bool Billable => false;

    public static WhiteLabelOrganizationInfoResponse From(OrganizationDto o) =>
        new(o.Id, o.Name, o.Users, o.WhitelabelId, o.WhitelabelName, o.Created, o.DeletedDate);
}

/// <summary>The white label's configuration: <c>OrgKeys:WhiteLabel</c>.</summary>
public sealed class WhiteLabelOptions
{
    public const string Section = "OrgKeys:WhiteLabel";

    /// <summary>A white label key lives one minute unless the request says otherwise.</summary>
    public const long DefaultKeyTtlSeconds = 60;

    /// <summary>The longest <c>ttl</c> a white label admin may ask for; a day by default.</summary>
    public long MaxKeyTtlSeconds { get; set; } = 86_400;
}
