using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Audit;

public sealed record AuditActor(int? UserId, int? ApiKeyId, int? WhitelabelId);

public sealed record AuditEntryDto(long Id, DateTime At, string Action, AuditActor Actor, string? Address, int? ApiKeyId, int? UserId, string? Detail);

public sealed record AuditLogResponse(int Total, IReadOnlyList<AuditEntryDto> Entries)
{
    public bool Success => true;
}

/// <summary>
/// The audit log, newest first and paged (OrgKeys extensions): organization admins read their
/// organization's; white label admins read their inner organizations'. An organization sees that a
/// white label acted in it, but not which of the white label's admins or keys did.
/// </summary>
public static class AuditEndpoints
{
    private const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/api/organizations/{organizationId:int}/audit", GetOrganizationAuditLog)
            .WithTags("Organizations").WithName("getOrganizationAuditLog").WithSummary("Audit log")
            .WithDescription($"Who changed what in the organization: key creation and revocation, member changes, deletion. {Extension}")
            .RequireAuthorization(Policies.OrganizationAdmin);
        routes.MapGet("/v1/api/organizations/{organizationId:int}/whitelabel/organizations/{innerOrganizationId:int}/audit", GetInnerOrganizationAuditLog)
            .WithTags("Organizations").WithName("whitelabelAdminGetOrganizationAuditLog").WithSummary("White Label Admin - Audit log of an organization")
            .WithDescription($"The audit log of an inner organization, with the white label's own admins named. {Extension}")
            .RequireAuthorization(Policies.WhiteLabelAdmin);
        return routes;
    }

    /// <summary>Entries about keys minted for the organization by its white label are left out, as those keys are.</summary>
    public static async Task<Results<Ok<AuditLogResponse>, BadRequest<ApiError>>> GetOrganizationAuditLog(
        int organizationId, OrgKeysDbContext db, CancellationToken cancellationToken, int? limit = null, int? offset = null)
    {
        var entries = db.AuditEntries.Where(a => a.OrganizationId == organizationId && (a.ApiKey == null || a.ApiKey.WhiteLabelId == null));
        var (page, error) = await PageAsync(entries, revealWhiteLabelActors: false, limit, offset, cancellationToken);
        return page is null ? ApiResults.BadRequest(error!) : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<AuditLogResponse>, BadRequest<ApiError>, NotFound<ApiError>>> GetInnerOrganizationAuditLog(
        int innerOrganizationId, WhiteLabelAccess whiteLabel, WhiteLabelService whiteLabels, OrgKeysDbContext db,
        CancellationToken cancellationToken, int? limit = null, int? offset = null)
    {
        if (!await whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId, includeDeleted: true).AnyAsync(o => o.Id == innerOrganizationId, cancellationToken))
        {
            return ApiResults.NotFound("Organization not found.");
        }

        var (page, error) = await PageAsync(db.AuditEntries.Where(a => a.OrganizationId == innerOrganizationId), revealWhiteLabelActors: true,
            limit, offset, cancellationToken);
        return page is null ? ApiResults.BadRequest(error!) : TypedResults.Ok(page);
    }

    private static async Task<(AuditLogResponse? Page, string? Error)> PageAsync(
        IQueryable<AuditEntry> entries, bool revealWhiteLabelActors, int? limit, int? offset, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return (null, "'limit' must be from 1 to 1000.");
        }

        if (offset is < 0)
        {
            return (null, "'offset' must be 0 or more.");
        }

        var total = await entries.CountAsync(cancellationToken);
        var page = await entries.AsNoTracking().OrderByDescending(a => a.Id).Skip(offset ?? 0).Take(limit ?? 50).ToListAsync(cancellationToken);
        return (new AuditLogResponse(total, page.ConvertAll(a =>
        {
            var hidden = a.WhiteLabelId is not null && !revealWhiteLabelActors;
            var actor = new AuditActor(hidden ? null : a.ActorUserId, hidden ? null : a.ActorApiKeyId, a.WhiteLabelId);
            return new AuditEntryDto(a.Id, a.At, a.Action, actor, hidden ? null : a.Address, a.ApiKeyId, a.UserId, a.Detail);
        })), null);
    }
}
