using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Body of <c>updateOrganizationApiKey</c> (OrgKeys extension): a field left out is kept, <c>null</c>
/// clears it. Bound as <see cref="JsonElement"/> to tell the two apart. The secret and the role never change here.
/// </summary>
public sealed record UpdateApiKeyRequest
{
    // Properties, not constructor parameters: the OpenAPI generator cannot write an undefined JsonElement as a default value.
    public JsonElement Name { get; init; }

    public JsonElement RateLimits { get; init; }

    public JsonElement Credits { get; init; }

    public JsonElement AllowedIps { get; init; }
}

/// <summary>Body of <c>rollOrganizationApiKey</c> (OrgKeys extension).</summary>
public sealed record RollApiKeyRequest(long? GraceSeconds, bool? GraceFromFirstUse)
{
    /// <summary>Thirty days, the longest an old key may live on after a roll.</summary>
    public const long MaxGraceSeconds = 2_592_000;
}

/// <summary>The new key, shown once, and when the old one stops working (null: when the new key is first used, or never).</summary>
public sealed record RollApiKeyResponse(int Id, string ApiKey, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTime? OldKeyExpires)
{
    public bool Success => true;
}

public enum KeyChangeOutcome
{
    Done,
    Invalid,
    NotFound,
    /// <summary>The key is revoked, expired or already rolled: nothing to change.</summary>
    Conflict,
    PolicyViolation,
}

/// <summary>What an update or a roll did; for a roll, the new key's id and secret.</summary>
public sealed record KeyChangeResult(KeyChangeOutcome Outcome, string? Error = null, int NewId = 0, string Secret = "", DateTime? OldKeyExpires = null)
{
    public static readonly KeyChangeResult NotFound = new(KeyChangeOutcome.NotFound, ApiKeyResults.NotFound);

    public static KeyChangeResult Invalid(string error) => new(KeyChangeOutcome.Invalid, error);

    public static KeyChangeResult Conflict(string error) => new(KeyChangeOutcome.Conflict, error);

    /// <summary>The answer of an update, for every path that offers one.</summary>
    public Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>> ToUpdateResult() => Outcome switch
    {
        KeyChangeOutcome.Done => ApiResults.Ok(),
        KeyChangeOutcome.NotFound => ApiResults.NotFound(Error!),
        KeyChangeOutcome.Conflict => ApiResults.Conflict(Error!),
        _ => ApiResults.BadRequest(Error!),
    };

    /// <summary>The answer of a roll: the new secret, shown this once.</summary>
    public Results<Ok<RollApiKeyResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>> ToRollResult() => Outcome switch
    {
        KeyChangeOutcome.Done => TypedResults.Ok(new RollApiKeyResponse(NewId, Secret, OldKeyExpires)),
        KeyChangeOutcome.NotFound => ApiResults.NotFound(Error!),
        KeyChangeOutcome.Conflict => ApiResults.Conflict(Error!),
        _ => ApiResults.BadRequest(Error!),
    };
}

/// <summary>The OpenAPI descriptions of the lifecycle endpoints, shared by the organization and white label paths.</summary>
public static class KeyLifecycleDocs
{
    public const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";
    public const string Update = "Changes a live key's name, rateLimits, credits or allowedIps: a field left out is kept, null clears it. "
        + "The secret and the role never change here. Admins only. " + Extension;
    public const string Roll = "Replaces the key with a new secret, shown once, that keeps its name, role, expiry, rateLimits, "
        + "credits (the remaining ones move to the new key) and allowedIps. The old key works until graceSeconds (0 to 2592000, default 0) "
        + "from now, or from the new key's first use with graceFromFirstUse. Admins only. " + Extension;
}
