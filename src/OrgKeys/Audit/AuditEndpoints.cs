using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.Audit;

public sealed record AuditActor(int? UserId, int? ApiKeyId, int? WhitelabelId, string? Name = null);

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

    public static async Task<Results<Ok<AuditLogResponse>, BadRequest<ApiError>>> GetOrganizationAuditLog(
        OrganizationAccess access, AuditQueries audit, [AsParameters] AuditPage paging, CancellationToken cancellationToken)
    {
        var (page, error) = await PageAsync(audit.OfOrganization(access.OrganizationId), revealWhiteLabelActors: false, paging, cancellationToken);
        return page is null ? ApiResults.BadRequest(error!) : TypedResults.Ok(page);
    }

    /// <remarks>Its 404 (an organization outside the white label) comes from authorization.</remarks>
    public static async Task<Results<Ok<AuditLogResponse>, BadRequest<ApiError>, NotFound<ApiError>>> GetInnerOrganizationAuditLog(
        InnerOrganizationAccess inner, AuditQueries audit, [AsParameters] AuditPage paging, CancellationToken cancellationToken)
    {
        var (page, error) = await PageAsync(audit.OfInnerOrganization(inner.OrganizationId), revealWhiteLabelActors: true, paging, cancellationToken);
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

        return (await AuditQueries.PageAsync(entries, new AuditFilter(), revealWhiteLabelActors, (limit ?? 50, offset ?? 0), cancellationToken), null);
    }
}
