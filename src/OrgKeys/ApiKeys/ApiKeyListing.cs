using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys.Rules;
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
                k.RolledFromId,
                k.RolledToId,
                k.RateLimits,
                k.AllowedIps,
                k.CreditsRemaining,
                k.CreditsRefillAmount,
                k.CreditsRefillInterval,
                k.CreditsRefillDay,
                k.CreditsRefilledAt,
                Creator = k.CreatedByUser == null ? null : new ApiKeyCreator(k.CreatedByUser.Id, k.CreatedByUser.Name, k.CreatedByUser.Username, null),
                // Only a parent of the same organization: a white label's own keys stay out of sight.
                Parent = db.ApiKeys.Where(p => p.Id == k.CreatedByApiKeyId && p.OrganizationId == k.OrganizationId)
                    .Select(p => new ApiKeyReference(p.Id, p.Name)).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        // Only keys of the scope can match, so exposures of other tenants' keys never show.
        var ids = rows.ConvertAll(k => k.Id);
        var exposures = ids.Count == 0 ? [] : await db.ApiKeyExposures.AsNoTracking()
            .Where(e => e.OrganizationId == scope.OrganizationId && ids.Contains(e.ApiKeyId))
            .OrderBy(e => e.Id)
            .Select(e => new { e.ApiKeyId, View = new ApiKeyExposureView(e.Source, e.Url, e.ReportedAt, e.Action) })
            .ToListAsync(cancellationToken);
        var byKey = exposures.ToLookup(e => e.ApiKeyId, e => e.View);
        var policy = await db.ApiKeyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == scope.OrganizationId, cancellationToken);
        return rows.ConvertAll(k =>
        {
            var used = usage.Latest(k.Id, k.LastUsedAt, k.LastUsedIp);
            var refill = k.CreditsRefillAmount is { } amount ? new ApiKeyCreditsRefillView(amount, k.CreditsRefillInterval!, k.CreditsRefillDay) : null;
            // A refill boundary passed since the last refill: the gate refills at the key's next use; show what it will have.
            var refilled = refill is not null && CreditsSettings.LastRefill(k.CreditsRefillInterval, k.CreditsRefillDay, now) > k.CreditsRefilledAt;
            return new OrganizationApiKey(k.Id, k.Hint, k.Name, k.Created, OrganizationRoles.Name(k.Role), false, k.Creator,
                used is null ? null : new ApiKeyLastUsed(used.Date, used.IpAddress), k.ExpiresAt, k.Parent)
            {
                Exposures = [.. byKey[k.Id]],
                RolledFrom = k.RolledFromId,
                RolledTo = k.RolledToId,
                RateLimits = k.RateLimits is null ? null : RateLimitRules.FromColumn(k.RateLimits),
                Credits = k.CreditsRemaining is { } remaining ? new ApiKeyCreditsView(refilled ? refill!.Amount : remaining, refill) : null,
                AllowedIps = IpAllowlist.StringsFromColumn(k.AllowedIps),
                BlockedBy = ApiKeyPolicyRules.Violation(policy, k.Role, k.Created, k.ExpiresAt),
            };
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
