using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
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
