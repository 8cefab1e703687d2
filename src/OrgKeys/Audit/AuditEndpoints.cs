using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.Audit;

public sealed record AuditActor(int? UserId, int? ApiKeyId, int? WhitelabelId);

public sealed record AuditEntryDto(long Id, DateTime At, string Action, AuditActor Actor, string? Address, int? ApiKeyId, int? UserId, string? Detail);

/// <summary>Which page of the log: newest first, 50 entries unless <c>limit</c> says otherwise.</summary>
public sealed record AuditPage([FromQuery(Name = "limit")] int? Limit, [FromQuery(Name = "offset")] int? Offset);

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

    /// <param name="organization">The <c>/v1/api/organizations/{organizationId}</c> group.</param>
    /// <param name="innerOrganization">The <c>…/whitelabel/organizations/{innerOrganizationId}</c> group.</param>
    public static void MapAudit(this RouteGroupBuilder organization, RouteGroupBuilder innerOrganization)
    {
        organization.MapGet("/audit", GetOrganizationAuditLog)
            .WithTags("Organizations").WithName("getOrganizationAuditLog").WithSummary("Audit log")
            .WithDescription($"Who changed what in the organization: key creation and revocation, member changes, deletion. {Extension}")
            .RequireAuthorization(Policies.OrganizationAdmin);
        innerOrganization.MapGet("/audit", GetInnerOrganizationAuditLog)
            .WithTags("Organizations").WithName("whitelabelAdminGetOrganizationAuditLog").WithSummary("White Label Admin - Audit log of an organization")
            .WithDescription($"The audit log of an inner organization, with the white label's own admins named. {Extension}")
            .RequireAuthorization(Policies.InnerOrganizationAnyState);
    }

    /// <summary>Entries about keys minted for the organization by its white label are left out, as those keys are.</summary>
    public static async Task<Results<Ok<AuditLogResponse>, BadRequest<ApiError>>> GetOrganizationAuditLog(
        OrganizationAccess access, OrgKeysDbContext db, [AsParameters] AuditPage paging, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.Where(a => a.OrganizationId == access.OrganizationId && (a.ApiKey == null || a.ApiKey.WhiteLabelId == null));
        var (page, error) = await PageAsync(entries, revealWhiteLabelActors: false, paging, cancellationToken);
        return page is null ? ApiResults.BadRequest(error!) : TypedResults.Ok(page);
    }

    /// <remarks>Its 404 (an organization outside the white label) comes from authorization.</remarks>
    public static async Task<Results<Ok<AuditLogResponse>, BadRequest<ApiError>, NotFound<ApiError>>> GetInnerOrganizationAuditLog(
        InnerOrganizationAccess inner, OrgKeysDbContext db, [AsParameters] AuditPage paging, CancellationToken cancellationToken)
    {
        var (page, error) = await PageAsync(db.AuditEntries.Where(a => a.OrganizationId == inner.OrganizationId), revealWhiteLabelActors: true,
            paging, cancellationToken);
        return page is null ? ApiResults.BadRequest(error!) : TypedResults.Ok(page);
    }

    private static async Task<(AuditLogResponse? Page, string? Error)> PageAsync(
        IQueryable<AuditEntry> entries, bool revealWhiteLabelActors, AuditPage paging, CancellationToken cancellationToken)
    {
        var (limit, offset) = paging;
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
