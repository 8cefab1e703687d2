using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Organizations;

namespace OrgKeys.Members;

public sealed record Invitation(int OrganizationId, string OrganizationName, string Role, DateTime Created);

/// <summary>
/// Pending memberships: an admin offers one, the named user accepts or declines it. Until then it
/// grants nothing, and the organization sees only what its admin typed.
/// </summary>
public sealed class InvitationService(OrgKeysDbContext db, AuditLog audit, AuthCache cache, TimeProvider time)
{
    /// <summary>
    /// Stages an invitation for <paramref name="userId"/>, or for no one when that is null or already a
    /// member: the row, the queries and the answer are the same either way, so nothing tells them apart.
    /// </summary>
    public async Task StageAsync(int organizationId, string invitee, int? userId, OrganizationRole role, CancellationToken cancellationToken)
    {
        var candidate = userId ?? 0;
        var alreadyMember = await db.Members.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == candidate, cancellationToken);
        db.Invitations.Add(new OrganizationInvitation
        {
            OrganizationId = organizationId,
            UserId = alreadyMember ? null : userId,
            Invitee = invitee.Trim(),
            Role = role,
            Created = time.GetUtcNow().UtcDateTime,
        });
    }

    /// <summary>The user's invitations to live organizations, the newest one per organization.</summary>
    public async Task<List<Invitation>> ListAsync(int userId, CancellationToken cancellationToken)
    {
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => i.UserId == userId && i.Organization.DeletedDate == null)
            .OrderByDescending(i => i.Id)
            .Select(i => new { i.OrganizationId, i.Organization.Name, i.Role, i.Created })
            .ToListAsync(cancellationToken);
        return rows.DistinctBy(i => i.OrganizationId).OrderBy(i => i.OrganizationId)
            .Select(i => new Invitation(i.OrganizationId, i.Name, OrganizationRoles.Name(i.Role), i.Created)).ToList();
    }

    /// <summary>Makes the user a member with the role of the newest invitation; false when there is none.</summary>
    public async Task<bool> AcceptAsync(int organizationId, int userId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = Of(organizationId, userId);
        var role = await mine.OrderByDescending(i => i.Id).Select(i => (OrganizationRole?)i.Role).FirstOrDefaultAsync(cancellationToken);
        if (role is null)
        {
            return false;
        }

        await mine.ExecuteDeleteAsync(cancellationToken);
        if (!await db.Members.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId, cancellationToken))
        {
            db.Members.Add(new OrganizationMember { OrganizationId = organizationId, UserId = userId, Role = role.Value, Added = time.GetUtcNow().UtcDateTime });
            audit.Add(AuditActions.MemberAccept, organizationId, Actor.User(userId), userId: userId, detail: OrganizationRoles.Name(role.Value));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Membership(organizationId, userId), db);
        return true;
    }

    /// <summary>Drops the user's invitations to the organization; false when there were none.</summary>
    public async Task<bool> DeclineAsync(int organizationId, int userId, CancellationToken cancellationToken)
    {
        if (await Of(organizationId, userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await cache.PublishAsync(AuthChange.Membership(organizationId, userId), db);
        return true;
    }

    /// <summary>An admin withdraws a pending entry of the member list; false when the organization has no such entry.</summary>
    public async Task<bool> WithdrawAsync(int organizationId, int invitationId, Actor actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Invitations.Where(i => i.OrganizationId == organizationId && i.Id == invitationId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await audit.RecordAsync(AuditActions.MemberWithdraw, organizationId, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Membership(organizationId, 0), db);
        return true;
    }

    private IQueryable<OrganizationInvitation> Of(int organizationId, int userId) =>
        db.Invitations.Where(i => i.OrganizationId == organizationId && i.UserId == userId && i.Organization.DeletedDate == null);
}
