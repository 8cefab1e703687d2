using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Auth;
using OrgKeys.Auth.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

/// <summary><c>/v1/api/organizations/{organizationId}/apikeys</c>: mint, list and revoke organization keys.</summary>
public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/api/organizations/{organizationId:int}/apikeys")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.OrganizationMember);

        group.MapPost("", AddOrganizationApiKey).WithName("addOrganizationApiKey").WithSummary("Add API key");
        group.MapGet("", ListOrganizationApiKeys).WithName("listOrganizationApiKeys").WithSummary("Get API keys");
        group.MapDelete("/{apiKeyId:int}", RevokeOrganizationApiKey).WithName("revokeOrganizationApiKey").WithSummary("Revoke API key");
        return routes;
    }

    public static async Task<Results<Ok<AddApiKeyResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>, Conflict<ApiError>>> AddOrganizationApiKey(
        int organizationId, AddOrganizationApiKeyRequest request, OrganizationAccess access, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var (newKey, error) = NewApiKey.From(request);
        if (newKey is null)
        {
            return ApiResults.BadRequest(error!);
        }

        if (newKey.Role > access.Role)
        {
            return ApiResults.Forbidden($"A {access.Role.ToString().ToLowerInvariant()} cannot create a key with the {newKey.Role.ToString().ToLowerInvariant()} role.");
        }

        var (outcome, id, secret) = await keys.CreateAsync(organizationId, newKey, access.UserId, access.ApiKey?.Id, access.ApiKey?.ExpiresAt, cancellationToken);
        return outcome == CreateKeyOutcome.Conflict
            ? ApiResults.Conflict("This API key is already in use; choose another.")
            : TypedResults.Ok(new AddApiKeyResponse(id, secret));
    }

    public static async Task<Ok<ListOrganizationApiKeysResponse>> ListOrganizationApiKeys(
        int organizationId, OrgKeysDbContext db, ApiKeyUsageTracker usage, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganizationId == organizationId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .OrderBy(k => k.Id)
            .Select(k => new
            {
                k.Id,
                k.Hint,
                k.Name,
                k.Created,
                k.Role,
                k.ExpiresAt,
                k.LastUsedAt,
                k.LastUsedIp,
                Creator = k.CreatedByUser == null ? null : new ApiKeyCreator(k.CreatedByUser.Id, k.CreatedByUser.Name, k.CreatedByUser.Username, null),
            })
            .ToListAsync(cancellationToken);

        var apiKeys = rows.ConvertAll(k =>
        {
            var used = usage.Pending(k.Id) ?? (k.LastUsedAt is { } at ? new KeyUsage(at, k.LastUsedIp) : null);
            return new OrganizationApiKey(k.Id, k.Hint, k.Name, k.Created, RoleName(k.Role), false, k.Creator,
                used is null ? null : new ApiKeyLastUsed(used.Date, used.IpAddress), k.ExpiresAt);
        });
        return TypedResults.Ok(new ListOrganizationApiKeysResponse(apiKeys));
    }

    /// <summary>Admins may revoke any key of the organization; others only keys they created.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>, JsonHttpResult<ApiError>>> RevokeOrganizationApiKey(
        int organizationId, int apiKeyId, OrganizationAccess access, OrgKeysDbContext db, AuthCache cache, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganizationId == organizationId && k.Id == apiKeyId && k.RevokedAt == null)
            .Select(k => new { k.CreatedByUserId, k.CreatedByApiKeyId })
            .FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return ApiResults.NotFound("API key not found.");
        }

        var isCreator = (access.UserId is not null && key.CreatedByUserId == access.UserId)
            || (access.ApiKey is not null && key.CreatedByApiKeyId == access.ApiKey.Id);
        if (access.Role < OrganizationRole.Admin && !isCreator)
        {
            return ApiResults.Forbidden("Only admins, or whoever created the key, may revoke it.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var revoked = await db.ApiKeys
            .Where(k => k.OrganizationId == organizationId && k.Id == apiKeyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        if (revoked == 0)
        {
            return ApiResults.NotFound("API key not found.");
        }

        await cache.PublishAsync(AuthChange.ApiKey(apiKeyId), db);
        return ApiResults.Ok();
    }

    internal static string RoleName(OrganizationRole role) => role.ToString().ToLowerInvariant();
}
