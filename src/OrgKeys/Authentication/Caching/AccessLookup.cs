using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Authentication.Caching;

/// <summary>
/// The per-request facts authorization needs besides the credential itself (is this session still
/// current, what role does this user hold in that organization), read through <see cref="AuthCache"/>.
/// The database context is taken only on a miss, so a cached request never rents one.
/// </summary>
public sealed class AccessLookup(AuthCache cache, TimeProvider time, IServiceProvider services)
{
    public async ValueTask<bool> IsSessionCurrentAsync(int userId, int sessionVersion, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.IsSessionCurrent(userId, sessionVersion, now) is { } current)
        {
            return current;
        }

        var generation = cache.Generation;
        var user = await Db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new CachedUser(u.Disabled, u.SessionVersion))
            .FirstOrDefaultAsync(cancellationToken) ?? CachedUser.Missing;
        cache.Fill(cache.Users, userId, user, generation, now);
        return user.Allows(sessionVersion);
    }

    /// <summary>The user's role in a live organization, or null when they are not a member of it.</summary>
    public async ValueTask<OrganizationRole?> RoleAsync(int organizationId, int userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetRole(organizationId, userId, now, out var role))
        {
            return role;
        }

        var generation = cache.Generation;
        role = await Db.Members.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId == userId && m.Organization.DeletedDate == null)
            .Select(m => (OrganizationRole?)m.Role)
            .FirstOrDefaultAsync(cancellationToken);
        cache.Fill(cache.Memberships, (organizationId, userId), role, generation, now);
        return role;
    }

    private OrgKeysDbContext Db => services.GetRequiredService<OrgKeysDbContext>();
}
