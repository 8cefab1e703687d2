using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Audit;

/// <summary>Narrows a log to one action and/or one acting user; null means any.</summary>
public sealed record AuditFilter(string? Action = null, int? ActorUserId = null);

/// <summary>
/// Reading the audit log, shared by the API's audit endpoints and the console's audit page so both see
/// the same entries: which entries an organization sees, and one page of them, newest first, in two queries.
/// </summary>
public sealed class AuditQueries(OrgKeysDbContext db)
{
    /// <summary>Entries about keys minted for the organization by its white label are left out, as those keys are.</summary>
    public IQueryable<AuditEntry> OfOrganization(int organizationId) =>
        db.AuditEntries.Where(a => a.OrganizationId == organizationId && (a.ApiKey == null || a.ApiKey.WhiteLabelId == null));

    public IQueryable<AuditEntry> OfInnerOrganization(int organizationId) => db.AuditEntries.Where(a => a.OrganizationId == organizationId);

    /// <summary>
    /// One page, newest first. <c>revealWhiteLabelActors</c> is false for the organization itself: it sees that its
    /// white label acted, but not which of the white label's admins or keys did.
    /// </summary>
    public static async Task<AuditLogResponse> PageAsync(IQueryable<AuditEntry> entries, AuditFilter filter, bool revealWhiteLabelActors,
        (int Limit, int Offset) page, CancellationToken cancellationToken)
    {
        if (filter.Action is { } action)
        {
            entries = entries.Where(a => a.Action == action);
        }

        if (filter.ActorUserId is { } actor)
        {
            // A white label's admin is hidden from the organization, so it cannot be found by filtering either.
            entries = entries.Where(a => a.ActorUserId == actor && (revealWhiteLabelActors || a.WhiteLabelId == null));
        }

        var total = await entries.CountAsync(cancellationToken);
        var rows = await entries.AsNoTracking().OrderByDescending(a => a.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken);
        return new AuditLogResponse(total, rows.ConvertAll(a =>
        {
            var hidden = a.WhiteLabelId is not null && !revealWhiteLabelActors;
            var by = new AuditActor(hidden ? null : a.ActorUserId, hidden ? null : a.ActorApiKeyId, a.WhiteLabelId, a.ActorName);
            return new AuditEntryDto(a.Id, a.At, a.Action, by, hidden ? null : a.Address, a.ApiKeyId, a.UserId, a.Detail);
        }));
    }
}
