using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Throttling;

namespace OrgKeys.WhiteLabels;


/// <summary>
/// <c>…/whitelabel/organizations/{innerOrganizationId}</c>: white label admins act on their inner
/// organizations. Which inner organization, and that it is theirs, authorization has decided: one
/// outside the caller's white label is a 404, like any other.
/// </summary>
public static partial class InnerOrganizationEndpoints
{
    /// <param name="inner">The <c>…/whitelabel/organizations/{innerOrganizationId}</c> group.</param>
    public static RouteGroupBuilder MapInnerOrganizations(this RouteGroupBuilder inner)
    {
        var group = inner.MapGroup("").WithTags("Organizations");
        group.MapGet("", GetOrganizationInfo).WithName("whitelabelAdminGetOrganizationInfo")
            .WithSummary("White Label Admin - Get organization information").RequireAuthorization(Policies.InnerOrganizationAnyState);
        group.MapDelete("", DeleteOrganization).WithName("whitelabelAdminDeleteOrganization")
            .WithSummary("White Label Admin - Delete an organization").RequireAuthorization(Policies.InnerOrganization);
        group.MapPost("/apiKeys", AddOrganizationApiKey).WithName("whitelabelAdminAddOrganizationApiKey")
            .WithSummary("White Label Admin - Add organization API key").RequireAuthorization(Policies.InnerOrganization)
            .CountsConflictAsRefusedCredential();
        group.MapGet("/apiKeys", ListOrganizationApiKeys).WithName("whitelabelAdminListOrganizationApiKeys")
            .WithSummary("White Label Admin - List the API keys minted for an organization")
            .WithDescription($"Lists the live keys white label admins minted for the inner organization, masked. {WhiteLabelEndpoints.OrgKeysExtension}")
            .RequireAuthorization(Policies.InnerOrganization);
        group.MapDelete("/apiKeys/{apiKeyId:int}", RevokeOrganizationApiKey).WithName("whitelabelAdminRevokeOrganizationApiKey")
            .WithSummary("White Label Admin - Revoke an API key minted for an organization")
            .WithDescription($"Revokes a key white label admins minted for the inner organization. {WhiteLabelEndpoints.OrgKeysExtension}")
            .RequireAuthorization(Policies.InnerOrganizationKey);
        group.MapPost("/apiKeys/{apiKeyId:int}", UpdateOrganizationApiKey).WithName("whitelabelAdminUpdateOrganizationApiKey")
            .WithSummary("White Label Admin - Update an API key minted for an organization")
            .WithDescription(KeyLifecycleDocs.Update).RequireAuthorization(Policies.InnerOrganizationKey);
        group.MapPost("/apiKeys/{apiKeyId:int}/roll", RollOrganizationApiKey).WithName("whitelabelAdminRollOrganizationApiKey")
            .WithSummary("White Label Admin - Roll an API key minted for an organization")
            .WithDescription(KeyLifecycleDocs.Roll).RequireAuthorization(Policies.InnerOrganizationKey);
        return inner;
    }

    public static async Task<Results<Ok<WhiteLabelOrganizationInfoResponse>, NotFound<ApiError>>> GetOrganizationInfo(
        InnerOrganizationAccess inner, OrganizationService organizations, CancellationToken cancellationToken, bool? includeDeleted = null) =>
        await organizations.ListAsync(organizations.ById(inner.OrganizationId), includeDeleted ?? false, cancellationToken) is [var organization]
            ? TypedResults.Ok(WhiteLabelOrganizationInfoResponse.From(organization))
            : ApiResults.NotFound("Organization not found.");

    /// <summary>Soft delete: the inner organization and every key of it stop working at once.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> DeleteOrganization(
        InnerOrganizationAccess inner, OrganizationService organizations, CancellationToken cancellationToken) =>
        await organizations.DeleteAsync(inner.OrganizationId, inner.Actor, cancellationToken)
            ? ApiResults.Ok()
            : ApiResults.NotFound("Organization not found.");

    /// <summary>
    /// The seed endpoint: a temporary key that acts as the inner organization, hidden from it, and
    /// recorded as minted on behalf of the white label by the calling admin.
    /// </summary>
    public static async Task<Results<Ok<AddApiKeyResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> AddOrganizationApiKey(
        AddOrganizationApiKeyRequest request, InnerOrganizationAccess inner, [AsParameters] InnerOrganizationKeyMinting services,
        CancellationToken cancellationToken) =>
        await services.MintAsync(request, inner, cancellationToken);

    /// <remarks>Its 404 (an organization outside the white label) comes from authorization.</remarks>
    public static async Task<Results<Ok<ListOrganizationApiKeysResponse>, NotFound<ApiError>>> ListOrganizationApiKeys(
        InnerOrganizationAccess inner, ApiKeyListing listing, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListOrganizationApiKeysResponse(
            await listing.ListAsync(KeyScope.MintedBy(inner.WhiteLabelId, inner.OrganizationId), cancellationToken)));

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> RevokeOrganizationApiKey(
        int apiKeyId, InnerOrganizationAccess inner, ApiKeyService keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(KeyScope.MintedBy(inner.WhiteLabelId, inner.OrganizationId), apiKeyId, inner.Actor,
            mayRevokeAny: true, cancellationToken) == RevokeKeyOutcome.Revoked
            ? ApiResults.Ok()
            : ApiResults.NotFound(ApiKeyResults.NotFound);

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> UpdateOrganizationApiKey(
        int apiKeyId, UpdateApiKeyRequest request, InnerOrganizationAccess inner, ApiKeyLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var (update, error) = KeyUpdate.From(request);
        return update is null
            ? ApiResults.BadRequest(error!)
            : (await lifecycle.UpdateAsync(KeyScope.MintedBy(inner.WhiteLabelId, inner.OrganizationId), apiKeyId, update, inner.Actor, cancellationToken))
                .ToUpdateResult();
    }

    // The new key keeps the old one's expiry, so it stays within the white label's TTL cap.
    public static async Task<Results<Ok<RollApiKeyResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> RollOrganizationApiKey(
        int apiKeyId, RollApiKeyRequest? request, InnerOrganizationAccess inner, ApiKeyLifecycle lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.RollAsync(KeyScope.MintedBy(inner.WhiteLabelId, inner.OrganizationId), apiKeyId, request ?? new(null, null), inner.Actor, cancellationToken))
            .ToRollResult();
}
