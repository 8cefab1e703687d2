using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

/// <summary><c>…/apikeys/{apiKeyId}</c> and <c>…/apikeys/{apiKeyId}/roll</c> (OrgKeys extensions): change a key's settings, or its secret.</summary>
public static class ApiKeyLifecycleEndpoints
{
    /// <param name="keys">The <c>…/apikeys</c> group.</param>
    public static RouteGroupBuilder MapApiKeyLifecycle(this RouteGroupBuilder keys)
    {
        keys.MapPost("/{apiKeyId:int}", UpdateOrganizationApiKey).RequireAuthorization(Policies.OrganizationAdmin)
            .WithName("updateOrganizationApiKey").WithSummary("Update API key").WithDescription(KeyLifecycleDocs.Update);
        keys.MapPost("/{apiKeyId:int}/roll", RollOrganizationApiKey).RequireAuthorization(Policies.OrganizationAdmin)
            .WithName("rollOrganizationApiKey").WithSummary("Roll API key").WithDescription(KeyLifecycleDocs.Roll);
        return keys;
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> UpdateOrganizationApiKey(
        int apiKeyId, UpdateApiKeyRequest request, OrganizationAccess access, ApiKeyLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var (update, error) = KeyUpdate.From(request);
        return update is null
            ? ApiResults.BadRequest(error!)
            : (await lifecycle.UpdateAsync(KeyScope.Organization(access.OrganizationId), apiKeyId, update, access.Actor, cancellationToken)).ToUpdateResult();
    }

    public static async Task<Results<Ok<RollApiKeyResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> RollOrganizationApiKey(
        int apiKeyId, RollApiKeyRequest? request, OrganizationAccess access, ApiKeyLifecycle lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.RollAsync(KeyScope.Organization(access.OrganizationId), apiKeyId, request ?? new(null, null), access.Actor, cancellationToken))
            .ToRollResult();
}
