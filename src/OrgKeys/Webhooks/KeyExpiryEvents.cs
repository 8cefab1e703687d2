using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Webhooks;

/// <summary>
/// Raises <c>apikey.expiring</c> (once, the organization's <c>expiringNoticeDays</c> ahead) and
/// <c>apikey.expired</c> for live keys, through the audit log and so the outbox. Each event is raised
/// once cluster-wide: a key's marker column is set by a conditional update in the same transaction
/// as its audit entry, so a node that finds the marker already set raises nothing.
/// </summary>
public sealed class KeyExpiryEvents(OrgKeysDbContext db, AuditLog audit)
{
    public const string ActionExpiring = "apikey.expiring";
    public const string ActionExpired = "apikey.expired";
    public const string Raiser = "key expiry";
    private const int BatchSize = 500;

    /// <summary>Keys that expired longer ago than this (a cluster that was down) get no event: old news, and no flood after an upgrade.</summary>
    public static readonly TimeSpan MissedEventWindow = TimeSpan.FromDays(1);

    /// <summary>Raises every due event; returns how many.</summary>
    public async Task<int> RaiseAsync(DateTime now, CancellationToken cancellationToken)
    {
        var raised = 0;
        List<ApiKeyExpiry> due;
        do
        {
            due = await db.ApiKeys.Where(k => k.RevokedAt == null && k.ExpiredNoticeAt == null
                    && k.ExpiresAt <= now && k.ExpiresAt > now - MissedEventWindow && k.Organization.DeletedDate == null)
                .OrderBy(k => k.ExpiresAt).Take(BatchSize).Select(k => new ApiKeyExpiry(k.Id, k.OrganizationId, k.ExpiresAt!.Value, true))
                .ToListAsync(cancellationToken);
            raised += await ClaimAndRaiseAsync(ActionExpired, due, now, cancellationToken);
        }
        while (due.Count == BatchSize);

        foreach (var (days, organizations, others) in await NoticeGroupsAsync(cancellationToken))
        {
            do
            {
                var horizon = now.AddDays(days);
                var candidates = await db.ApiKeys.Where(k => k.RevokedAt == null && k.ExpiringNoticeAt == null
                        && k.ExpiresAt > now && k.ExpiresAt <= horizon && k.Organization.DeletedDate == null
                        && (others ? !organizations.Contains(k.OrganizationId) : organizations.Contains(k.OrganizationId)))
                    .OrderBy(k => k.ExpiresAt).Take(BatchSize).Select(k => new { k.Id, k.OrganizationId, k.ExpiresAt, k.Created })
                    .ToListAsync(cancellationToken);
                // A key made with less life than the notice never reached the moment "N days ahead": it is marked, not announced.
                due = [.. candidates.Select(k => new ApiKeyExpiry(k.Id, k.OrganizationId, k.ExpiresAt!.Value, k.Created <= k.ExpiresAt!.Value.AddDays(-days)))];
                raised += await ClaimAndRaiseAsync(ActionExpiring, due, now, cancellationToken);
            }
            while (due.Count == BatchSize);
        }

        return raised;
    }

    private sealed record ApiKeyExpiry(int Id, int OrganizationId, DateTime ExpiresAt, bool Announce);

    /// <summary>The notice days in use: the default for every organization without its own, then each other value for its organizations.</summary>
    private async Task<List<(int Days, List<int> Organizations, bool Others)>> NoticeGroupsAsync(CancellationToken cancellationToken)
    {
        var custom = await db.ApiKeyPolicies.Where(p => p.ExpiringNoticeDays != ApiKeyPolicy.DefaultExpiringNoticeDays)
            .Select(p => new { p.OrganizationId, p.ExpiringNoticeDays }).ToListAsync(cancellationToken);
        List<(int, List<int>, bool)> groups = [(ApiKeyPolicy.DefaultExpiringNoticeDays, [.. custom.Select(c => c.OrganizationId)], true)];
        groups.AddRange(custom.Where(c => c.ExpiringNoticeDays > 0).GroupBy(c => c.ExpiringNoticeDays)
            .Select(g => (g.Key, g.Select(c => c.OrganizationId).ToList(), false)));
        return groups;
    }

    /// <summary>Sets the marker of the keys no other node has marked yet and stages their audit entries (and events), in one transaction.</summary>
    private async Task<int> ClaimAndRaiseAsync(string action, List<ApiKeyExpiry> due, DateTime now, CancellationToken cancellationToken)
    {
        if (due.Count == 0)
        {
            return 0;
        }

        var ids = due.Select(k => k.Id).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = (await ClaimAsync(action, ids, now, cancellationToken)).ToHashSet();
        var raised = 0;
        foreach (var key in due.Where(k => k.Announce && claimed.Contains(k.Id)))
        {
            audit.Add(action, key.OrganizationId, Actor.Service(Raiser), apiKeyId: key.Id,
                detail: key.ExpiresAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            raised++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return raised;
    }

    /// <summary>
    /// The conditional update. On PostgreSQL a second node's update waits for the first one's row
    /// locks, then finds the marker set and returns nothing; SQLite's transaction holds the write lock.
    /// </summary>
    private async Task<List<int>> ClaimAsync(string action, int[] ids, DateTime now, CancellationToken cancellationToken)
    {
        var expired = action == ActionExpired;
        if (db.Provider() == DatabaseProvider.Postgres)
        {
            return expired
                ? await db.Database.SqlQuery<int>(
                    $"""UPDATE "ApiKeys" SET "ExpiredNoticeAt" = {now} WHERE "Id" = ANY({ids}) AND "ExpiredNoticeAt" IS NULL RETURNING "Id" AS "Value" """)
                    .ToListAsync(cancellationToken)
                : await db.Database.SqlQuery<int>(
                    $"""UPDATE "ApiKeys" SET "ExpiringNoticeAt" = {now} WHERE "Id" = ANY({ids}) AND "ExpiringNoticeAt" IS NULL RETURNING "Id" AS "Value" """)
                    .ToListAsync(cancellationToken);
        }

        var unmarked = await db.ApiKeys.Where(k => ids.Contains(k.Id) && (expired ? k.ExpiredNoticeAt == null : k.ExpiringNoticeAt == null))
            .Select(k => k.Id).ToListAsync(cancellationToken);
        var marking = db.ApiKeys.Where(k => unmarked.Contains(k.Id));
        _ = expired
            ? await marking.ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiredNoticeAt, now), cancellationToken)
            : await marking.ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiringNoticeAt, now), cancellationToken);
        return unmarked;
    }
}
