using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Throttling;

namespace OrgKeys.ApiKeys;

/// <summary><c>/v1/api/organizations/{organizationId}/apikeys</c>: mint, list and revoke organization keys.</summary>
public static class ApiKeyEndpoints
{
    /// <param name="organization">The <c>/v1/api/organizations/{organizationId}</c> group.</param>
    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder organization)
    {
        var group = organization.MapGroup("/apikeys")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.OrganizationMember);

        group.MapPost("", AddOrganizationApiKey).WithName("addOrganizationApiKey").WithSummary("Add API key")
            .CountsConflictAsRefusedCredential();
        group.MapGet("", ListOrganizationApiKeys).WithName("listOrganizationApiKeys").WithSummary("Get API keys");
        group.MapDelete("/{apiKeyId:int}", RevokeOrganizationApiKey).WithName("revokeOrganizationApiKey").WithSummary("Revoke API key");
        group.MapApiKeyLifecycle();
        return organization;
    }

    public static async Task<Results<Ok<AddApiKeyResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>, Conflict<ApiError>>> AddOrganizationApiKey(
        AddOrganizationApiKeyRequest request, OrganizationAccess access, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var (newKey, error) = NewApiKey.From(request);
        if (newKey is null)
        {
            return ApiResults.BadRequest(error!);
        }

        if (newKey.RefusalFor(access.Role) is { } refusal)
        {
            return ApiResults.Forbidden(refusal);
        }

        var created = await keys.CreateAsync(access.OrganizationId, newKey, access.Actor, cancellationToken);
        return created.Outcome switch
        {
            CreateKeyOutcome.Conflict => ApiResults.Conflict(ApiKeyResults.InUse),
            CreateKeyOutcome.ChainRevoked => ApiResults.Unauthorized(ApiKeyResults.ChainRevoked),
            CreateKeyOutcome.PolicyViolation => ApiResults.BadRequest(created.Error!),
            _ => TypedResults.Ok(new AddApiKeyResponse(created.Id, created.Secret)),
        };
    }

    /// <summary>Keys a white label admin minted for the organization are not visible to it.</summary>
    public static async Task<Ok<ListOrganizationApiKeysResponse>> ListOrganizationApiKeys(
        OrganizationAccess access, ApiKeyListing listing, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListOrganizationApiKeysResponse(await listing.ListAsync(KeyScope.Organization(access.OrganizationId), cancellationToken)));

    /// <summary>Admins may revoke any key of the organization; others only keys they created.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>, JsonHttpResult<ApiError>>> RevokeOrganizationApiKey(
        int apiKeyId, OrganizationAccess access, ApiKeyService keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(KeyScope.Organization(access.OrganizationId), apiKeyId, access.Actor,
            mayRevokeAny: access.Role >= OrganizationRole.Admin, cancellationToken) switch
        {
            RevokeKeyOutcome.Revoked => ApiResults.Ok(),
            RevokeKeyOutcome.Forbidden => ApiResults.Forbidden("Only admins, or whoever created the key, may revoke it."),
            _ => ApiResults.NotFound(ApiKeyResults.NotFound),
        };
}

/// <summary>The messages every key endpoint answers with, whichever feature exposes it.</summary>
public static class ApiKeyResults
{
    public const string InUse = "This API key is already in use; choose another.";
    public const string NotFound = "API key not found.";
    public const string ChainRevoked = "This API key, or a key it descends from, was revoked or expired; the new key was not created.";
}
