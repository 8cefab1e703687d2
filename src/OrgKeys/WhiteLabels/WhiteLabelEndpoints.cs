using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Throttling;
using OrgKeys.Users;

namespace OrgKeys.WhiteLabels;

/// <summary>
/// <c>/v1/api/organizations/{organizationId}/whitelabel</c>: white label admins act on their inner
/// organizations. An inner organization outside the caller's white label is a 404, like any other.
/// </summary>
public static partial class WhiteLabelEndpoints
{
    public const string OrgKeysExtension = "OrgKeys extension: not part of the Edge Impulse API.";

    public static IEndpointRouteBuilder MapWhiteLabels(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/api/organizations/{organizationId:int}/whitelabel")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.WhiteLabelAdmin);

        group.MapGet("", GetInfo).WithName("whitelabelAdminGetInfo").WithSummary("White Label Admin - Get white label information");
        group.MapPost("/organizations", CreateOrganization).WithName("whitelabelAdminCreateOrganization")
            .WithSummary("White Label Admin - Create new organization within white label context");
        group.MapGet("/organizations", GetOrganizations).WithName("whitelabelAdminGetOrganizations")
            .WithSummary("White Label Admin - Get all organizations within a white label");

        var inner = group.MapGroup("/organizations/{innerOrganizationId:int}");
        inner.MapGet("", GetOrganizationInfo).WithName("whitelabelAdminGetOrganizationInfo")
            .WithSummary("White Label Admin - Get organization information");
        inner.MapDelete("", DeleteOrganization).WithName("whitelabelAdminDeleteOrganization")
            .WithSummary("White Label Admin - Delete an organization");
        inner.MapPost("/apiKeys", AddOrganizationApiKey).WithName("whitelabelAdminAddOrganizationApiKey")
            .WithSummary("White Label Admin - Add organization API key").CountsConflictAsRefusedCredential();
        inner.MapGet("/apiKeys", ListOrganizationApiKeys).WithName("whitelabelAdminListOrganizationApiKeys")
            .WithSummary("White Label Admin - List the API keys minted for an organization")
            .WithDescription($"Lists the live keys white label admins minted for the inner organization, masked. {OrgKeysExtension}");
        inner.MapDelete("/apiKeys/{apiKeyId:int}", RevokeOrganizationApiKey).WithName("whitelabelAdminRevokeOrganizationApiKey")
            .WithSummary("White Label Admin - Revoke an API key minted for an organization")
            .WithDescription($"Revokes a key white label admins minted for the inner organization. {OrgKeysExtension}");
        return routes;
    }

    public static async Task<Results<Ok<GetWhiteLabelResponse>, NotFound<ApiError>>> GetInfo(
        WhiteLabelAccess whiteLabel, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var info = await db.WhiteLabels.AsNoTracking().Where(w => w.Id == whiteLabel.WhiteLabelId)
            .Select(w => new WhiteLabelInfo(w.Id, w.Name, w.Domain, w.AdminOrganizationId))
            .FirstOrDefaultAsync(cancellationToken);
        return info is null ? ApiResults.NotFound("White label not found.") : TypedResults.Ok(new GetWhiteLabelResponse(info));
    }

    /// <summary>Creates an inner organization whose admin is the user named by <c>adminId</c> or <c>adminEmail</c>.</summary>
    public static async Task<Results<Ok<CreateOrganizationResponse>, BadRequest<ApiError>, NotFound<ApiError>>> CreateOrganization(
        WhiteLabelCreateOrganizationRequest request, WhiteLabelAccess whiteLabel, OrganizationAccess access,
        OrganizationService organizations, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        if (OrganizationService.ValidateName(request.OrganizationName) is { } error)
        {
            return ApiResults.BadRequest(error);
        }

        if (request.AdminId is null == string.IsNullOrWhiteSpace(request.AdminEmail))
        {
            return ApiResults.BadRequest("Give exactly one of 'adminId' or 'adminEmail': the user who will administer the organization.");
        }

        if (request.AdminEmail is { Length: > 254 })
        {
            return ApiResults.BadRequest("'adminEmail' must be an e-mail address.");
        }

        var admin = request.AdminId is { } adminId
            ? db.Users.Where(u => u.Id == adminId)
            : db.Users.Where(u => u.NormalizedEmail == UserService.Normalize(request.AdminEmail!));
        var adminUserId = await admin.Where(u => !u.Disabled).Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (adminUserId is null)
        {
            return ApiResults.NotFound(request.AdminId is null ? "No user with that 'adminEmail'." : "No user with that 'adminId'.");
        }

        var (id, apiKey) = await organizations.CreateAsync(
            request.OrganizationName!, adminUserId.Value, whiteLabel.WhiteLabelId, Actor(whiteLabel, access), cancellationToken);
        return TypedResults.Ok(new CreateOrganizationResponse(id, apiKey));
    }

    public static async Task<Results<Ok<WhiteLabelOrganizationsResponse>, BadRequest<ApiError>>> GetOrganizations(
        WhiteLabelAccess whiteLabel, WhiteLabelService whiteLabels, CancellationToken cancellationToken,
        int? limit = null, int? offset = null, string? search = null, bool? includeDeleted = null)
    {
        if (limit is < 1 or > 1000)
        {
            return ApiResults.BadRequest("'limit' must be from 1 to 1000.");
        }

        if (offset is < 0)
        {
            return ApiResults.BadRequest("'offset' must be 0 or more.");
        }

        if (search is { Length: > 128 })
        {
            return ApiResults.BadRequest("'search' must be at most 128 characters.");
        }

        var query = whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId, includeDeleted ?? false);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // Translated to SQL: lower(name) and a substring match, the same on SQLite and PostgreSQL.
            query = query.Where(o => o.Name.ToLower().Contains(term));
#pragma warning restore CA1862
        }

        var total = await query.CountAsync(cancellationToken);
        var page = await query.AsNoTracking().OrderBy(o => o.Id).Skip(offset ?? 0).Take(limit ?? 50)
            .Select(o => new InnerOrganization(o.Id, o.Name, o.Created, whiteLabel.WhiteLabelId, 0, o.DeletedDate))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new WhiteLabelOrganizationsResponse(total, page));
    }

    public static async Task<Results<Ok<WhiteLabelOrganizationInfoResponse>, NotFound<ApiError>>> GetOrganizationInfo(
        int innerOrganizationId, WhiteLabelAccess whiteLabel, WhiteLabelService whiteLabels, OrganizationService organizations,
        CancellationToken cancellationToken, bool? includeDeleted = null)
    {
        var query = whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId, includeDeleted ?? false).Where(o => o.Id == innerOrganizationId);
        var found = await organizations.ListAsync(query, includeDeleted ?? false, cancellationToken);
        return found is [var organization]
            ? TypedResults.Ok(WhiteLabelOrganizationInfoResponse.From(organization))
            : ApiResults.NotFound("Organization not found.");
    }

    /// <summary>Soft delete: the inner organization and every key of it stop working at once.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> DeleteOrganization(
        int innerOrganizationId, WhiteLabelAccess whiteLabel, OrganizationAccess access, WhiteLabelService whiteLabels,
        OrganizationService organizations, CancellationToken cancellationToken) =>
        await organizations.DeleteAsync(whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId), innerOrganizationId, Actor(whiteLabel, access), cancellationToken)
            ? ApiResults.Ok()
            : ApiResults.NotFound("Organization not found.");

    /// <summary>
    /// The seed endpoint: a temporary key that acts as the inner organization, hidden from it, and
    /// recorded as minted on behalf of the white label by the calling admin.
    /// </summary>
    public static async Task<Results<Ok<AddApiKeyResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> AddOrganizationApiKey(
        int innerOrganizationId, AddOrganizationApiKeyRequest request, WhiteLabelAccess whiteLabel, OrganizationAccess access,
        WhiteLabelService whiteLabels, ApiKeyService keys, IOptions<WhiteLabelOptions> options, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (newKey, error) = NewApiKey.From(request);
        if (newKey is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var maxTtl = options.Value.MaxKeyTtlSeconds;
        if (request.Ttl > maxTtl)
        {
            return ApiResults.BadRequest($"'ttl' must be a whole number of seconds from 1 to {maxTtl} for a white label key.");
        }

        if (!await whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId).AnyAsync(o => o.Id == innerOrganizationId, cancellationToken))
        {
            return ApiResults.NotFound("Organization not found.");
        }

        newKey = newKey with { Ttl = newKey.Ttl ?? TimeSpan.FromSeconds(WhiteLabelOptions.DefaultKeyTtlSeconds) };
        var origin = Actor(whiteLabel, access);
        var (outcome, id, secret) = await keys.CreateAsync(innerOrganizationId, newKey, origin, cancellationToken);
        if (outcome == CreateKeyOutcome.Conflict)
        {
            return ApiResults.Conflict("This API key is already in use; choose another.");
        }

        var logger = loggers.CreateLogger(typeof(WhiteLabelEndpoints));
        LogKeyMinted(logger, id, innerOrganizationId, whiteLabel.WhiteLabelId, access.UserId, access.ApiKey?.Id);
        return TypedResults.Ok(new AddApiKeyResponse(id, secret));
    }

    public static async Task<Results<Ok<ListOrganizationApiKeysResponse>, NotFound<ApiError>>> ListOrganizationApiKeys(
        int innerOrganizationId, WhiteLabelAccess whiteLabel, WhiteLabelService whiteLabels, OrgKeysDbContext db,
        ApiKeyUsageTracker usage, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId).AnyAsync(o => o.Id == innerOrganizationId, cancellationToken))
        {
            return ApiResults.NotFound("Organization not found.");
        }

        var minted = await ApiKeyEndpoints.ListAsync(MintedFor(db, whiteLabel, innerOrganizationId), usage, time, cancellationToken);
        return TypedResults.Ok(new ListOrganizationApiKeysResponse(minted));
    }

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> RevokeOrganizationApiKey(
        int innerOrganizationId, int apiKeyId, WhiteLabelAccess whiteLabel, OrganizationAccess access, WhiteLabelService whiteLabels,
        OrgKeysDbContext db, AuditLog audit, AuthCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var revoked = await whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId).AnyAsync(o => o.Id == innerOrganizationId, cancellationToken)
            && await ApiKeyEndpoints.RevokeAsync(db, audit, cache, innerOrganizationId, apiKeyId, Actor(whiteLabel, access), time,
                k => k.WhiteLabelId == whiteLabel.WhiteLabelId, cancellationToken);
        return revoked ? ApiResults.Ok() : ApiResults.NotFound("API key not found.");
    }

    /// <summary>A white label admin acting inside an inner organization: recorded on behalf of the white label.</summary>
    private static KeyOrigin Actor(WhiteLabelAccess whiteLabel, OrganizationAccess access) =>
        KeyOrigin.Of(access.UserId, access.ApiKey) with { WhiteLabelId = whiteLabel.WhiteLabelId };

    private static IQueryable<ApiKey> MintedFor(OrgKeysDbContext db, WhiteLabelAccess whiteLabel, int innerOrganizationId) =>
        db.ApiKeys.Where(k => k.OrganizationId == innerOrganizationId && k.WhiteLabelId == whiteLabel.WhiteLabelId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "White label {WhiteLabelId} minted API key {ApiKeyId} for organization {OrganizationId} on behalf of user {UserId} / key {ByApiKeyId}")]
    private static partial void LogKeyMinted(ILogger logger, int apiKeyId, int organizationId, int whiteLabelId, int? userId, int? byApiKeyId);
}
