using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Organizations;
using OrgKeys.Users;

namespace OrgKeys.Members;

public enum MemberChange
{
    Done,
    NoSuchUser,
    NotAMember,
    AlreadyAMember,
    LastAdmin,
}

/// <summary>Adds, removes and re-roles members, keeping at least one admin, and records who did.</summary>
public sealed class MemberService(OrgKeysDbContext db, ActiveUsers users, InvitationService invitations, AuditLog audit, AuthCache cache, TimeProvider time)
{
    /// <summary>
    /// Offers a pending membership (see <see cref="InvitationService"/>). The answer is Done for every
    /// name, known or not, member or not, so that adding a member cannot be used to find accounts.
    /// </summary>
    public async Task<MemberChange> AddAsync(int organizationId, string usernameOrEmail, OrganizationRole role, Actor actor, CancellationToken cancellationToken)
    {
        var userId = await users.ByUsernameOrEmailAsync(usernameOrEmail, cancellationToken);
        await invitations.StageAsync(organizationId, usernameOrEmail, userId, role, cancellationToken);
        // Never the user id: the log would tell a known name from an unknown one.
        audit.Add(AuditActions.MemberAdd, organizationId, actor, detail: OrganizationRoles.Name(role));
        await db.SaveChangesAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Membership(organizationId, 0), db);
        return MemberChange.Done;
    }

    /// <summary>A negative id is a pending entry of the member list (minus its invitation id): that withdraws the invitation.</summary>
    public async Task<MemberChange> RemoveAsync(int organizationId, int userId, Actor actor, CancellationToken cancellationToken) =>
        userId >= 0
            ? await ChangeAsync(organizationId, userId, newRole: null, actor, cancellationToken)
            : userId > int.MinValue && await invitations.WithdrawAsync(organizationId, -userId, actor, cancellationToken) ? MemberChange.Done : MemberChange.NotAMember;

    public Task<MemberChange> SetRoleAsync(int organizationId, int userId, OrganizationRole role, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(organizationId, userId, role, actor, cancellationToken);

    /// <summary>
    /// Removes (no <paramref name="newRole"/>) or re-roles one member under a lock on the organization
    /// row, so two admins demoting each other at once cannot leave the organization with none. The
    /// keys the member made that the new role no longer allows are revoked in the same transaction.
    /// </summary>
    private async Task<MemberChange> ChangeAsync(int organizationId, int userId, OrganizationRole? newRole, Actor actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Organizations.Where(o => o.Id == organizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name), cancellationToken);

        var member = db.Members.Where(m => m.OrganizationId == organizationId && m.UserId == userId);
        var current = await member.Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return MemberChange.NotAMember;
        }

        var removesAdmin = current == OrganizationRole.Admin && newRole != OrganizationRole.Admin;
        if (removesAdmin && !await db.Members.AnyAsync(
                m => m.OrganizationId == organizationId && m.Role == OrganizationRole.Admin && m.UserId != userId, cancellationToken))
        {
            return MemberChange.LastAdmin;
        }

        if (newRole is { } role)
        {
            await member.ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, role), cancellationToken);
            await audit.RecordAsync(AuditActions.MemberRole, organizationId, actor, cancellationToken, userId: userId, detail: OrganizationRoles.Name(role));
        }
        else
        {
            await member.ExecuteDeleteAsync(cancellationToken);
            await audit.RecordAsync(AuditActions.MemberRemove, organizationId, actor, cancellationToken, userId: userId);
        }

        var revoked = await ApiKeyChains.RevokeOutrankedAsync(db, organizationId, userId, newRole, time.GetUtcNow().UtcDateTime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Membership(organizationId, userId), db);
        await ApiKeyChains.PublishRevokedAsync(cache, db, revoked);
        return MemberChange.Done;
    }
}
