using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Organizations;

namespace OrgKeys.ApiKeys;

/// <summary>The live keys of a <see cref="KeyScope"/>, masked, in the contract's shape, with their latest use.</summary>
public sealed class ApiKeyListing(OrgKeysDbContext db, ApiKeyUsageTracker usage, TimeProvider time)
{
    /// <summary>The keys that are neither revoked nor expired, oldest first.</summary>
    public async Task<List<OrganizationApiKey>> ListAsync(KeyScope scope, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await scope.Of(db.ApiKeys).AsNoTracking()
            .Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .OrderBy(k => k.Id)
            .Select(k => new
            {
                k.Id,
                k.Hint,
                k.Name,
                k.Created,
                k.Role,
                k.ExpiresAt,
                k.LastUsedAt,
                k.LastUsedIp,
                Creator = k.CreatedByUser == null ? null : new ApiKeyCreator(k.CreatedByUser.Id, k.CreatedByUser.Name, k.CreatedByUser.Username, null),
            })
            .ToListAsync(cancellationToken);

        return rows.ConvertAll(k =>
        {
            var used = usage.Pending(k.Id) ?? (k.LastUsedAt is { } at ? new KeyUsage(at, k.LastUsedIp) : null);
            return new OrganizationApiKey(k.Id, k.Hint, k.Name, k.Created, OrganizationRoles.Name(k.Role), false, k.Creator,
                used is null ? null : new ApiKeyLastUsed(used.Date, used.IpAddress), k.ExpiresAt);
        });
    }
}

/// <summary>
/// Which keys of an organization a caller sees and may revoke: the organization's own keys, or the
/// keys one white label minted for it (an inner organization). Neither sees the other's.
/// </summary>
public sealed record KeyScope(int OrganizationId, int? WhiteLabelId)
{
    /// <summary>The organization's ordinary keys: keys a white label minted for it are not visible to it.</summary>
    public static KeyScope Organization(int organizationId) => new(organizationId, null);

    /// <summary>The keys <paramref name="whiteLabelId"/> minted for its inner organization.</summary>
    public static KeyScope MintedBy(int whiteLabelId, int innerOrganizationId) => new(innerOrganizationId, whiteLabelId);

    public IQueryable<ApiKey> Of(IQueryable<ApiKey> keys)
    {
        var inOrganization = keys.Where(k => k.OrganizationId == OrganizationId);
        return WhiteLabelId is { } whiteLabelId
            ? inOrganization.Where(k => k.WhiteLabelId == whiteLabelId)
            : inOrganization.Where(k => k.WhiteLabelId == null);
    }
}
