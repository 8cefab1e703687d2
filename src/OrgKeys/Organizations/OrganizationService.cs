using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Auth.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Users;

namespace OrgKeys.Organizations;

/// <summary>Creating organizations (API and CLI) and reading them in the contract's shape.</summary>
public sealed class OrganizationService(OrgKeysDbContext db, ApiKeyService keys, AuthCache cache, TimeProvider time)
{
    public static string? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128
            ? "'organizationName' is required and must be at most 128 characters."
            : null;

    /// <summary>Creates the organization with <paramref name="adminUserId"/> as its admin and returns a new admin key.</summary>
    public async Task<(int Id, string ApiKey)> CreateAsync(string name, int adminUserId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var organization = new Organization { Name = name.Trim(), Created = now };
        organization.Members.Add(new OrganizationMember { UserId = adminUserId, Role = OrganizationRole.Admin, Added = now });
        db.Organizations.Add(organization);
        await db.SaveChangesAsync(cancellationToken);

        var key = new NewApiKey("Admin key (created with the organization)", OrganizationRole.Admin, null, null);
        var (_, _, secret) = await keys.CreateAsync(organization.Id, key, adminUserId, null, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // A node may remember that this user was not a member of this (then unused) organization id.
        await cache.PublishAsync(AuthChange.Membership(organization.Id, adminUserId), db);
        return (organization.Id, secret);
    }

    public async Task<List<OrganizationDto>> ListAsync(IQueryable<Organization> organizations, CancellationToken cancellationToken)
    {
        var rows = await organizations.AsNoTracking()
            .Where(o => o.DeletedDate == null)
            .OrderBy(o => o.Id)
            .Select(o => new
            {
                o.Id,
                o.Name,
                o.Created,
                o.DeletedDate,
                Members = o.Members.OrderBy(m => m.UserId)
                    .Select(m => new { m.User.Id, m.User.Username, m.User.Name, m.User.Email, m.User.Created, m.Added, m.Role })
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(o => new OrganizationDto(
            o.Id, o.Name, null, false,
            o.Members.ConvertAll(m => new OrganizationUser(m.Id, m.Username, m.Name, m.Email, m.Created, StaffInfo.None,
                Pending: false, Activated: true, MfaConfigured: false, m.Added, m.Role.ToString().ToLowerInvariant(), 0, [])),
            false, null, null, null, null, null, o.Created, o.DeletedDate));
    }

    public IQueryable<Organization> OfUser(int userId) =>
        db.Organizations.Where(o => o.Members.Any(m => m.UserId == userId));

    public IQueryable<Organization> ById(int organizationId) =>
        db.Organizations.Where(o => o.Id == organizationId);
}
