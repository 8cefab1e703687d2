using OrgKeys.Users;

namespace OrgKeys.Organizations;

public sealed record CreateOrganizationRequest(string? OrganizationName);

/// <summary>The admin a white label names for a new inner organization: as typed, and the user it found, if any.</summary>
public sealed record PendingAdmin(string Invitee, int? UserId);

public sealed record CreateOrganizationResponse(int Id, string ApiKey)
{
    public bool Success => true;
}

public sealed record OrganizationUser(
    int Id, string Username, string Name, string Email, DateTime Created, StaffInfo StaffInfo, bool Pending,
    bool Activated, bool MfaConfigured, DateTime Added, string Role, int ProjectCount, IReadOnlyList<int> Datasets);

public sealed record OrganizationDto(
    int Id, string Name, string? Logo, bool ShowHeaderImgMask, IReadOnlyList<OrganizationUser> Users, bool IsDeveloperProfile,
    int? WhitelabelId, string? WhitelabelName, object? TrialId, DateTime? TrialExpiredDate, DateTime? TrialUpgradedDate,
    DateTime Created, DateTime? DeletedDate);

public sealed record ListOrganizationsResponse(IReadOnlyList<OrganizationDto> Organizations)
{
    public bool Success => true;
}

public sealed record ComputeLimits(double RequestsCpu, double RequestsMemory, double LimitsCpu, double LimitsMemory)
{
    public static readonly ComputeLimits Default = new(0.25, 1024, 1, 4096);
}

public sealed record CliLists(IReadOnlyList<object> ObjectDetectionLastLayerOptions, IReadOnlyList<object> ImageInputScalingOptions);

public sealed record OrganizationPerformance(int JobLimitM);

public sealed record GetOrganizationInfoResponse(
    OrganizationDto Organization, IReadOnlyList<object> Datasets, ComputeLimits DefaultComputeLimits,
    IReadOnlyList<object> Experiments, int? WhitelabelId, CliLists CliLists, OrganizationPerformance Performance)
{
    public bool Success => true;
}
