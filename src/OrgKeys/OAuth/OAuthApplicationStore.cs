using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.OAuth;

/// <summary>
/// OpenIddict's application store, where a client of a deleted organization does not exist: OpenIddict
/// itself refuses it (<c>invalid_client</c>) in every flow, and the entity it loads (tracked, cached for
/// the request) is all a grant needs, so the token endpoint reads no client of its own.
/// </summary>
public sealed class OAuthApplicationStore(
    IMemoryCache memory,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    OrgKeysDbContext db)
    : OpenIddictEntityFrameworkCoreApplicationStore<OAuthApplication, OAuthAuthorization, OAuthToken, int>(memory, context, options)
{
    public override async ValueTask<OAuthApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return await db.OAuthApplications.AsTracking()
            .FirstOrDefaultAsync(a => a.ClientId == identifier && a.Organization.DeletedDate == null, cancellationToken);
    }
}
