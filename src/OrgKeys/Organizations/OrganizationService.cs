using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Users;

namespace OrgKeys.Organizations;

/// <summary>Creating organizations (API and CLI) and reading them in the contract's shape.</summary>
public sealed class OrganizationService(OrgKeysDbContext db, ApiKeyService keys, AuditLog audit, AuthCache cache, OrganizationViewCache views, TimeProvider time)
{
    public static string? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128
            ? "'organizationName' is required and must be at most 128 characters."
            : ClientText.RefuseControlCharacters("organizationName", name);

    /// <summary>Creates the organization with <paramref name="adminUserId"/> as its admin and returns a new admin key.</summary>
    public async Task<(int Id, string ApiKey)> CreateAsync(string name, int adminUserId, CancellationToken cancellationToken)
    {
        var created = await CreateAsync(name, null, Actor.User(adminUserId), o => o.Members.Add(
            new OrganizationMember { UserId = adminUserId, Role = OrganizationRole.Admin, Added = o.Created }), cancellationToken);
        // A node may remember that this user was not a member of this (then unused) organization id.
        await cache.PublishAsync(AuthChange.Membership(created.Id, adminUserId), db);
        return created;
    }

    /// <summary>
    /// Creates an inner organization of <paramref name="whiteLabelId"/>, whose admin, when one is named,
    /// is only invited (<see cref="PendingAdmin"/>): until they accept, the white label manages it.
    /// Its first key is minted by <paramref name="actor"/> and keeps the white label's marker.
    /// </summary>
    public async Task<(int Id, string ApiKey)> CreateInnerAsync(
        string name, int whiteLabelId, PendingAdmin? admin, Actor actor, CancellationToken cancellationToken)
    {
        var created = await CreateAsync(name, whiteLabelId, actor, o =>
        {
            if (admin is not null)
            {
                o.Invitations.Add(new OrganizationInvitation { UserId = admin.UserId, Invitee = admin.Invitee, Role = OrganizationRole.Admin, Created = o.Created });
            }
        }, cancellationToken);
        await cache.PublishAsync(AuthChange.Organization(created.Id), db);
        return created;
    }

    private async Task<(int Id, string ApiKey)> CreateAsync(
        string name, int? whiteLabelId, Actor actor, Action<Organization> addAdmin, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var organization = new Organization { Name = name.Trim(), Created = time.GetUtcNow().UtcDateTime, WhiteLabelId = whiteLabelId };
        addAdmin(organization);
        db.Organizations.Add(organization);
        await db.SaveChangesAsync(cancellationToken);
        // Never a pending admin's user id: the white label would learn which ids are accounts.
        audit.Add(AuditActions.OrganizationCreate, organization.Id, actor, userId: organization.Members.FirstOrDefault()?.UserId);

        var key = new NewApiKey("Admin key (created with the organization)", OrganizationRole.Admin, null, null);
        var (_, _, secret) = await keys.CreateAsync(organization.Id, key, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (organization.Id, secret);
    }

    public Task<List<OrganizationDto>> ListAsync(IQueryable<Organization> organizations, CancellationToken cancellationToken) =>
        ListAsync(organizations, includeDeleted: false, cancellationToken);

    /// <summary>Soft-deletes the live organization and records who did; false when not found.</summary>
    public async Task<bool> DeleteAsync(int organizationId, Actor actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await db.Organizations.Where(o => o.Id == organizationId && o.DeletedDate == null)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.DeletedDate, now), cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await audit.RecordAsync(AuditActions.OrganizationDelete, organizationId, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Organization(organizationId), db);
        return true;
    }

    public async Task<List<OrganizationDto>> ListAsync(
        IQueryable<Organization> organizations, bool includeDeleted, CancellationToken cancellationToken)
    {
        // Members and invitations are two collections: one query would return their product per organization.
        var rows = await organizations.AsNoTracking().AsSplitQuery()
            .Where(o => includeDeleted || o.DeletedDate == null)
            .OrderBy(o => o.Id)
            .Select(o => new
            {
                o.Id,
                o.Name,
                o.Created,
                o.DeletedDate,
                o.WhiteLabelId,
                WhiteLabelName = o.WhiteLabel == null ? null : o.WhiteLabel.Name,
                Members = o.Members.OrderBy(m => m.UserId)
                    .Select(m => new { m.User.Id, m.User.Username, m.User.Name, m.User.Email, m.User.Created, m.Added, m.Role })
                    .ToList(),
                Invitations = o.Invitations.OrderBy(i => i.Id).Select(i => new { i.Id, i.Invitee, i.Role, i.Created }).ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(o => new OrganizationDto(
            o.Id, o.Name, null, false,
            o.Members.ConvertAll(m => new OrganizationUser(m.Id, m.Username, m.Name, m.Email, m.Created, StaffInfo.None,
                Pending: false, Activated: true, MfaConfigured: false, m.Added, OrganizationRoles.Name(m.Role), 0, []))
                .Concat(o.Invitations.Select(i => PendingUser(i.Id, i.Invitee, i.Role, i.Created))).ToList(),
            false, o.WhiteLabelId, o.WhiteLabelName, null, null, null, o.Created, o.DeletedDate));
    }

    /// <summary>
    /// One live organization as <c>getOrganizationInfo</c> shows it, from the cache when it is there:
    /// member changes and deletion reach the cache like every other <see cref="AuthChange"/>.
    /// </summary>
    public async Task<OrganizationDto?> FindAsync(int organizationId, CancellationToken cancellationToken)
    {
        return views.TryGet(organizationId, time.GetUtcNow(), out var cached) ? cached : await LoadAsync(organizationId, cancellationToken);
    }

    /// <summary>The database half of <see cref="FindAsync"/>, for a caller that has already missed the cache.</summary>
    public async Task<OrganizationDto?> LoadAsync(int organizationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var generation = views.Generation;
        if (await ListAsync(ById(organizationId), cancellationToken) is not [var organization])
        {
            return null;
        }

        views.Fill(organizationId, organization, generation, now);
        return organization;
    }

    /// <summary>
    /// A pending member as the organization sees it: only what its admin typed, the role and when; the id
    /// is minus the invitation's, which <c>removeOrganizationMember</c> takes to withdraw it.
    /// </summary>
    private static OrganizationUser PendingUser(int invitationId, string invitee, OrganizationRole role, DateTime invited) =>
        new(-invitationId, invitee, invitee, invitee.Contains('@', StringComparison.Ordinal) ? invitee : "", invited, StaffInfo.None,
            Pending: true, Activated: false, MfaConfigured: false, invited, OrganizationRoles.Name(role), 0, []);

    public IQueryable<Organization> OfUser(int userId) =>
        db.Organizations.Where(o => o.Members.Any(m => m.UserId == userId));

    public IQueryable<Organization> ById(int organizationId) =>
        db.Organizations.Where(o => o.Id == organizationId);
}
