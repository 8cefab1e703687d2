using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

/// <summary>
/// A key is only as alive as every key it descends from (<c>CreatedByApiKeyId</c>). This is kept by
/// writing, not by judging each request: revoking a key revokes its descendants in the same
/// transaction, and a key is minted only while its whole chain of ancestors is live, checked inside
/// the transaction that inserts it. The verifier then judges a key by its own row alone, from the
/// cache, as before; a revocation reaches every node's cache through <see cref="AuthCache.PublishAsync"/>.
/// <para>
/// Under concurrency: revocation first updates the revoked key's row, then looks for descendants
/// in a later statement; minting first inserts the child, then reads its ancestors with a share
/// lock (PostgreSQL) or under SQLite's single write lock. Whichever commits second sees the other:
/// either the ancestor is already revoked and the child is refused, or the child is committed and
/// the cascade finds it.
/// </para>
/// </summary>
public static class ApiKeyChains
{
    /// <summary>Revokes every live descendant of <paramref name="roots"/>, inside the caller's transaction; returns their ids to publish.</summary>
    public static async Task<List<int>> RevokeDescendantsAsync(OrgKeysDbContext db, IReadOnlyCollection<int> roots, DateTime now, CancellationToken cancellationToken)
    {
        var descendants = new List<int>();
        var frontier = roots.ToList();
        while (frontier.Count > 0)
        {
            // Revoked descendants are walked too: their own children may predate the cascade.
            frontier = await db.ApiKeys.Where(k => k.CreatedByApiKeyId != null && frontier.Contains(k.CreatedByApiKeyId.Value))
                .Select(k => k.Id).ToListAsync(cancellationToken);
            descendants.AddRange(frontier);
        }

        if (descendants.Count == 0)
        {
            return descendants;
        }

        return await db.ApiKeys.Where(k => descendants.Contains(k.Id) && k.RevokedAt == null).Select(k => k.Id).ToListAsync(cancellationToken) is { Count: > 0 } live
            && await db.ApiKeys.Where(k => live.Contains(k.Id) && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) > 0
            ? live
            : [];
    }

    /// <summary>
    /// Inside the caller's transaction, after <paramref name="rootId"/>'s expiry moved earlier (a roll's
    /// grace): every live descendant that would outlive <paramref name="notAfter"/> now expires then.
    /// Returns their ids to publish.
    /// </summary>
    public static async Task<List<int>> ClampDescendantsAsync(OrgKeysDbContext db, int rootId, DateTime notAfter, CancellationToken cancellationToken)
    {
        var descendants = new List<int>();
        List<int> frontier = [rootId];
        while (frontier.Count > 0)
        {
            frontier = await db.ApiKeys.Where(k => k.CreatedByApiKeyId != null && frontier.Contains(k.CreatedByApiKeyId.Value) && !descendants.Contains(k.Id))
                .Select(k => k.Id).ToListAsync(cancellationToken);
            descendants.AddRange(frontier);
        }

        var outliving = db.ApiKeys.Where(k => descendants.Contains(k.Id) && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > notAfter));
        var ids = descendants.Count == 0 ? [] : await outliving.Select(k => k.Id).ToListAsync(cancellationToken);
        if (ids.Count > 0)
        {
            await db.ApiKeys.Where(k => ids.Contains(k.Id)).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, notAfter), cancellationToken);
        }

        return ids;
    }

    /// <summary>
    /// Inside the caller's transaction: revokes the keys among <paramref name="ids"/> that are not revoked
    /// yet, and returns them with their organizations. On PostgreSQL their rows are locked first, so a
    /// revocation that commits meanwhile leaves its key out; SQLite's transaction holds the write lock.
    /// </summary>
    public static async Task<Dictionary<int, int>> RevokeLiveAsync(OrgKeysDbContext db, IReadOnlyCollection<int> ids, DateTime now, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToArray();
        var live = db.Provider() == DatabaseProvider.Postgres
            ? await db.Database.SqlQuery<KeyOfOrganization>(
                    $"""SELECT "Id", "OrganizationId" FROM "ApiKeys" WHERE "Id" = ANY({wanted}) AND "RevokedAt" IS NULL FOR UPDATE""")
                .ToDictionaryAsync(k => k.Id, k => k.OrganizationId, cancellationToken)
            : await db.ApiKeys.Where(k => wanted.Contains(k.Id) && k.RevokedAt == null)
                .ToDictionaryAsync(k => k.Id, k => k.OrganizationId, cancellationToken);
        var revoking = live.Keys.ToArray();
        if (revoking.Length > 0)
        {
            await db.ApiKeys.Where(k => revoking.Contains(k.Id)).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        }

        return live;
    }

    private sealed class KeyOfOrganization
    {
        public int Id { get; init; }
        public int OrganizationId { get; init; }
    }

    /// <summary>Tells every node's cache, after the commit, that these keys are revoked.</summary>
    public static Task PublishRevokedAsync(AuthCache cache, OrgKeysDbContext db, IEnumerable<int> keyIds) =>
        cache.PublishManyAsync([.. keyIds.Select(AuthChange.ApiKey)], db);

    /// <summary>
    /// Inside the minting transaction, after the child's insert: whether <paramref name="parentId"/>
    /// and all its ancestors are live (not revoked, not expired, organization not deleted). On
    /// PostgreSQL the chain's rows are share-locked until the commit, so a revocation waits for it.
    /// </summary>
    public static async Task<bool> ChainIsLiveAsync(OrgKeysDbContext db, int parentId, DateTime now, CancellationToken cancellationToken)
    {
        var chain = new List<int>();
        int? next = parentId;
        while (next is { } id && !chain.Contains(id))
        {
            chain.Add(id);
            next = await db.ApiKeys.Where(k => k.Id == id).Select(k => k.CreatedByApiKeyId).FirstOrDefaultAsync(cancellationToken);
        }

        if (db.Provider() == DatabaseProvider.Postgres)
        {
            // Rows that no longer match after the wait (revoked meanwhile) are left out: fewer rows, a dead chain.
            var ids = chain.ToArray();
            var locked = await db.Database.SqlQuery<int>(
                    $"""SELECT "Id" AS "Value" FROM "ApiKeys" WHERE "Id" = ANY({ids}) AND "RevokedAt" IS NULL FOR SHARE""")
                .ToListAsync(cancellationToken);
            if (locked.Count != chain.Count)
            {
                return false;
            }
        }

        var dead = await db.ApiKeys.AnyAsync(k => chain.Contains(k.Id)
            && (k.RevokedAt != null || k.ExpiresAt <= now || k.Organization.DeletedDate != null), cancellationToken);
        return !dead;
    }

    /// <summary>
    /// Inside the minting transaction: whether <paramref name="userId"/> still holds at least
    /// <paramref name="role"/> in the organization. On PostgreSQL the membership row is share-locked
    /// until the commit, so a removal or demotion (which then revokes the user's keys) waits for it.
    /// </summary>
    public static async Task<bool> CreatorIsAllowedAsync(OrgKeysDbContext db, int organizationId, int userId, OrganizationRole role, CancellationToken cancellationToken)
    {
        // Roles are stored by name: compare against the names that are enough, never with < on text.
        var enough = Enum.GetValues<OrganizationRole>().Where(r => r >= role).ToList();
        if (db.Provider() == DatabaseProvider.Postgres)
        {
            var names = enough.Select(r => r.ToString()).ToArray();
            var locked = await db.Database.SqlQuery<int>(
                    $"""SELECT "UserId" AS "Value" FROM "Members" WHERE "OrganizationId" = {organizationId} AND "UserId" = {userId} AND "Role" = ANY({names}) FOR SHARE""")
                .ToListAsync(cancellationToken);
            return locked.Count == 1;
        }

        return await db.Members.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId && enough.Contains(m.Role), cancellationToken);
    }

    /// <summary>
    /// Inside the transaction that removes <paramref name="userId"/> from the organization or sets
    /// <paramref name="newRole"/>: revokes the keys they created there that the new role no longer
    /// allows (a member key needs a member, an admin key an admin), then those keys' descendants.
    /// Revoked, not judged at each use: a key stays dead if the user is promoted again.
    /// </summary>
    public static async Task<List<int>> RevokeOutrankedAsync(
        OrgKeysDbContext db, int organizationId, int userId, OrganizationRole? newRole, DateTime now, CancellationToken cancellationToken)
    {
        var outranked = db.ApiKeys.Where(k => k.OrganizationId == organizationId && k.CreatedByUserId == userId
            && k.WhiteLabelId == null && k.RevokedAt == null);
        if (newRole is { } role)
        {
            var above = Enum.GetValues<OrganizationRole>().Where(r => r > role).ToList();
            outranked = outranked.Where(k => above.Contains(k.Role));
        }

        if (newRole != OrganizationRole.Admin)
        {
            // A white label admin's keys in its inner organizations stand on their admin role in the white label's organization.
            var whiteLabels = db.WhiteLabels.Where(w => w.AdminOrganizationId == organizationId).Select(w => (int?)w.Id);
            outranked = outranked.Union(db.ApiKeys.Where(k => k.CreatedByUserId == userId && k.RevokedAt == null && whiteLabels.Contains(k.WhiteLabelId)));
        }

        var ids = await outranked.Select(k => k.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return ids;
        }

        await db.ApiKeys.Where(k => ids.Contains(k.Id) && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        ids.AddRange(await RevokeDescendantsAsync(db, ids, now, cancellationToken));
        return ids;
    }
}
