using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;

namespace OrgKeys.WhiteLabels;

/// <summary>What creating an inner organization needs.</summary>

/// <summary>The paging and filter of <c>whitelabelAdminGetOrganizations</c>.</summary>
public sealed record InnerOrganizationQuery(
    [FromQuery(Name = "limit")] int? Limit,
    [FromQuery(Name = "offset")] int? Offset,
    [FromQuery(Name = "search")] string? Search,
    [FromQuery(Name = "includeDeleted")] bool? IncludeDeleted);

/// <summary>
/// <c>/v1/api/organizations/{organizationId}/whitelabel</c>: white label admins read their white label
/// and create and list its inner organizations.
/// </summary>
public static class WhiteLabelEndpoints
{
    public const string OrgKeysExtension = "OrgKeys extension: not part of the Edge Impulse API.";

    /// <param name="whiteLabel">The <c>/v1/api/organizations/{organizationId}/whitelabel</c> group.</param>
    public static RouteGroupBuilder MapWhiteLabels(this RouteGroupBuilder whiteLabel)
    {
        var group = whiteLabel.MapGroup("").WithTags("Organizations").RequireAuthorization(Policies.WhiteLabelAdmin);
        group.MapGet("", GetInfo).WithName("whitelabelAdminGetInfo").WithSummary("White Label Admin - Get white label information");
        group.MapPost("/organizations", CreateOrganization).WithName("whitelabelAdminCreateOrganization")
            .WithSummary("White Label Admin - Create new organization within white label context");
        group.MapGet("/organizations", GetOrganizations).WithName("whitelabelAdminGetOrganizations")
            .WithSummary("White Label Admin - Get all organizations within a white label");
        return whiteLabel;
    }

    public static async Task<Results<Ok<GetWhiteLabelResponse>, NotFound<ApiError>>> GetInfo(
        WhiteLabelAccess whiteLabel, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var info = await db.WhiteLabels.AsNoTracking().Where(w => w.Id == whiteLabel.WhiteLabelId)
            .Select(w => new WhiteLabelInfo(w.Id, w.Name, w.Domain, w.AdminOrganizationId))
            .FirstOrDefaultAsync(cancellationToken);
        return info is null ? ApiResults.NotFound("White label not found.") : TypedResults.Ok(new GetWhiteLabelResponse(info));
    }

    /// <summary>
    /// Creates an inner organization. The user named by <c>adminId</c> or <c>adminEmail</c> is invited as
    /// its admin, and the answer is the same whether that names an account or not; with neither, the
    /// organization has no user admin and the white label manages it.
    /// </summary>
    public static async Task<Results<Ok<CreateOrganizationResponse>, BadRequest<ApiError>>> CreateOrganization(
        WhiteLabelCreateOrganizationRequest request, WhiteLabelAccess whiteLabel, OrganizationAccess access,
        [AsParameters] InnerOrganizationCreation services, CancellationToken cancellationToken) =>
        await services.CreateAsync(request, whiteLabel, access, cancellationToken);

    public static async Task<Results<Ok<WhiteLabelOrganizationsResponse>, BadRequest<ApiError>>> GetOrganizations(
        WhiteLabelAccess whiteLabel, WhiteLabelService whiteLabels, [AsParameters] InnerOrganizationQuery filter, CancellationToken cancellationToken)
    {
        if (filter.Limit is < 1 or > 1000)
        {
            return ApiResults.BadRequest("'limit' must be from 1 to 1000.");
        }

        if (filter.Offset is < 0)
        {
            return ApiResults.BadRequest("'offset' must be 0 or more.");
        }

        if (filter.Search is { Length: > 128 })
        {
            return ApiResults.BadRequest("'search' must be at most 128 characters.");
        }

        var query = whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId, filter.IncludeDeleted ?? false);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // Translated to SQL: lower(name) and a substring match, the same on SQLite and PostgreSQL.
            query = query.Where(o => o.Name.ToLower().Contains(term));
#pragma warning restore CA1862
        }

        var total = await query.CountAsync(cancellationToken);
        var page = await query.AsNoTracking().OrderBy(o => o.Id).Skip(filter.Offset ?? 0).Take(filter.Limit ?? 50)
            .Select(o => new InnerOrganization(o.Id, o.Name, o.Created, whiteLabel.WhiteLabelId, 0, o.DeletedDate))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new WhiteLabelOrganizationsResponse(total, page));
    }
}
