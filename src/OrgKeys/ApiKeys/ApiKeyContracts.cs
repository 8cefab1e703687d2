namespace OrgKeys.ApiKeys;

/// <summary>Body of <c>addOrganizationApiKey</c>. Fields are nullable so a missing one gets a message that names it.</summary>
public sealed record AddOrganizationApiKeyRequest(string? Name, string? ApiKey, string? Role, long? Ttl);

public sealed record AddApiKeyResponse(int Id, string ApiKey)
{
    public bool Success => true;
}

public sealed record ListOrganizationApiKeysResponse(IReadOnlyList<OrganizationApiKey> ApiKeys)
{
    public bool Success => true;
}

public sealed record OrganizationApiKey(
    int Id,
    string ApiKey,
    string Name,
    DateTime Created,
    string Role,
    bool IsTransformationJobKey,
    ApiKeyCreator? CreatedByUser,
    ApiKeyLastUsed? LastUsed,
    DateTime? Expires,
    ApiKeyReference? CreatedByApiKey = null)
{
    /// <summary>OrgKeys extension: where the key was reported seen in public, and what was done.</summary>
    public IReadOnlyList<ApiKeyExposureView> Exposures { get; init; } = [];
}

/// <summary>OrgKeys extension: the key of the same organization that minted this one.</summary>
public sealed record ApiKeyReference(int Id, string Name);

public sealed record ApiKeyExposureView(string Source, string? Url, DateTime ReportedAt, string Action);

public sealed record ApiKeyCreator(int Id, string Name, string Username, string? Photo);

public sealed record ApiKeyLastUsed(DateTime Date, string? IpAddress);
