using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Throttling;

namespace OrgKeys.ApiKeys;

/// <summary><c>/v1/api/organizations/{organizationId}/apikeys</c>: mint, list and revoke organization keys.</summary>
public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/api/organizations/{organizationId:int}/apikeys")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.OrganizationMember);

        group.MapPost("", AddOrganizationApiKey).WithName("addOrganizationApiKey").WithSummary("Add API key")
            .CountsConflictAsRefusedCredential();
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
            return ApiResults.Forbidden($"A {OrganizationRoles.Name(access.Role)} cannot create a key with the {OrganizationRoles.Name(newKey.Role)} role.");
        }

        var (outcome, id, secret) = await keys.CreateAsync(organizationId, newKey, KeyOrigin.Of(access.UserId, access.ApiKey), cancellationToken);
        return outcome == CreateKeyOutcome.Conflict
            ? ApiResults.Conflict("This API key is already in use; choose another.")
            : TypedResults.Ok(new AddApiKeyResponse(id, secret));
    }

    /// <summary>Keys a white label admin minted for the organization are not visible to it.</summary>
    public static async Task<Ok<ListOrganizationApiKeysResponse>> ListOrganizationApiKeys(
        int organizationId, OrgKeysDbContext db, ApiKeyUsageTracker usage, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListOrganizationApiKeysResponse(await ListAsync(
            db.ApiKeys.Where(k => k.OrganizationId == organizationId && k.WhiteLabelId == null), usage, time, cancellationToken)));

    /// <summary>The live (neither revoked nor expired) keys among <paramref name="keys"/>, masked, in the contract's shape.</summary>
    internal static async Task<List<OrganizationApiKey>> ListAsync(
        IQueryable<ApiKey> keys, ApiKeyUsageTracker usage, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await keys.AsNoTracking()
            .Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
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

        return rows.ConvertAll(k =>
        {
            var used = usage.Pending(k.Id) ?? (k.LastUsedAt is { } at ? new KeyUsage(at, k.LastUsedIp) : null);
            return new OrganizationApiKey(k.Id, k.Hint, k.Name, k.Created, OrganizationRoles.Name(k.Role), false, k.Creator,
                used is null ? null : new ApiKeyLastUsed(used.Date, used.IpAddress), k.ExpiresAt);
        });
    }

    /// <summary>Admins may revoke any key of the organization; others only keys they created.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>, JsonHttpResult<ApiError>>> RevokeOrganizationApiKey(
        int organizationId, int apiKeyId, OrganizationAccess access, OrgKeysDbContext db, AuditLog audit, AuthCache cache, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganizationId == organizationId && k.Id == apiKeyId && k.WhiteLabelId == null && k.RevokedAt == null)
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

        var revoked = await RevokeAsync(db, audit, cache, organizationId, apiKeyId, KeyOrigin.Of(access.UserId, access.ApiKey), time,
            k => k.WhiteLabelId == null, cancellationToken);
        return revoked
            ? ApiResults.Ok()
            : ApiResults.NotFound("API key not found.");
    }

    /// <summary>
    /// Revokes the organization's key when <paramref name="visible"/> holds for it, and records who did, in one
    /// transaction, then tells every node's cache; false when it is unknown, not visible or already revoked.
    /// </summary>
    internal static async Task<bool> RevokeAsync(OrgKeysDbContext db, AuditLog audit, AuthCache cache, int organizationId, int apiKeyId, KeyOrigin actor,
        TimeProvider time, System.Linq.Expressions.Expression<Func<ApiKey, bool>> visible, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await db.ApiKeys.Where(k => k.OrganizationId == organizationId && k.Id == apiKeyId && k.RevokedAt == null)
            .Where(visible)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        if (revoked == 0)
        {
            return false;
        }

        await audit.RecordAsync(AuditActions.ApiKeyRevoke, organizationId, actor, cancellationToken, apiKeyId: apiKeyId);
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.ApiKey(apiKeyId), db);
        return true;
    }
}
