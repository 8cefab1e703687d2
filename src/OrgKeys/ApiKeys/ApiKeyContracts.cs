using System.Text.Json.Serialization;
using OrgKeys.ApiKeys.Rules;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Body of <c>addOrganizationApiKey</c>. Fields are nullable so a missing one gets a message that names it.
/// <c>rateLimits</c>, <c>credits</c> and <c>allowedIps</c> are OrgKeys extensions.
/// </summary>
public sealed record AddOrganizationApiKeyRequest(
    string? Name, string? ApiKey, string? Role, long? Ttl,
    IReadOnlyList<RateLimitInput?>? RateLimits = null, CreditsInput? Credits = null, IReadOnlyList<string?>? AllowedIps = null);

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

    /// <summary>OrgKeys extension: the key this one replaced by a roll.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RolledFrom { get; init; }

    /// <summary>OrgKeys extension: the key that replaced this one by a roll.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RolledTo { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RateLimitRule>? RateLimits { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ApiKeyCreditsView? Credits { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? AllowedIps { get; init; }

    /// <summary>OrgKeys extension: the organization key policy rule the key breaks; it is refused until the policy is relaxed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BlockedBy { get; init; }
}

/// <summary>OrgKeys extension: a key's usage credits, as <c>credits</c> sets them.</summary>
public sealed record ApiKeyCreditsView(long Remaining, ApiKeyCreditsRefillView? Refill);

public sealed record ApiKeyCreditsRefillView(long Amount, string Interval, int? RefillDay);

/// <summary>OrgKeys extension: the key of the same organization that minted this one.</summary>
public sealed record ApiKeyReference(int Id, string Name);

public sealed record ApiKeyExposureView(string Source, string? Url, DateTime ReportedAt, string Action);

public sealed record ApiKeyCreator(int Id, string Name, string Username, string? Photo);

public sealed record ApiKeyLastUsed(DateTime Date, string? IpAddress);
