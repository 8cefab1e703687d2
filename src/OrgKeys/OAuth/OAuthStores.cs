using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>
/// OpenIddict's token store, announcing every revocation to the auth cache (here and, by NOTIFY, on
/// every node), so a cached Bearer verdict never outlives its token. Every path that ends a token
/// goes through one of these methods: the revocation endpoint, a replayed refresh token or code,
/// a withdrawn consent, a deleted client.
/// </summary>
public sealed class OAuthTokenStore(
    IMemoryCache memory,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    AuthCache cache,
    OrgKeysDbContext db,
    OAuthTokenWriter writer)
    : OpenIddictEntityFrameworkCoreTokenStore<OAuthToken, OAuthApplication, OAuthAuthorization, int>(memory, context, options)
{
    /// <summary>Committed with the other grants' entries of the moment, then tracked by this request's context for later updates.</summary>
    public override async ValueTask CreateAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await writer.InsertAsync(token);
        var entry = (await Context.GetDbContextAsync(cancellationToken)).Attach(token);
        // The keys behind the navigations are stored values now, not unknown ones: OpenIddict reads them back.
        foreach (var (name, value) in new[] { ("ApplicationId", token.Application?.Id), ("AuthorizationId", token.Authorization?.Id) })
        {
            entry.Property(name).OriginalValue = value;
            entry.Property(name).CurrentValue = value;
        }
    }

    public override async ValueTask UpdateAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        await base.UpdateAsync(token, cancellationToken);
        if (token.Status is not Statuses.Valid and not Statuses.Redeemed)
        {
            await cache.PublishAsync(AuthChange.OAuth, db);
        }
    }

    public override async ValueTask DeleteAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        await base.DeleteAsync(token, cancellationToken);
        await cache.PublishAsync(AuthChange.OAuth, db);
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeAsync(subject, client, status, type, cancellationToken));

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeByApplicationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeBySubjectAsync(subject, cancellationToken));

    private ValueTask<long> Announce(long revoked) => OAuthRevocations.AnnounceAsync(cache, db, revoked);
}

/// <summary>OpenIddict's authorization store, announcing every revoked or deleted authorization as <see cref="OAuthTokenStore"/> does.</summary>
public sealed class OAuthAuthorizationStore(
    IMemoryCache memory,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    AuthCache cache,
    OrgKeysDbContext db)
    : OpenIddictEntityFrameworkCoreAuthorizationStore<OAuthAuthorization, OAuthApplication, OAuthToken, int>(memory, context, options)
{
    public override async ValueTask UpdateAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        await base.UpdateAsync(authorization, cancellationToken);
        if (authorization.Status is not Statuses.Valid)
        {
            await cache.PublishAsync(AuthChange.OAuth, db);
        }
    }

    public override async ValueTask DeleteAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        await base.DeleteAsync(authorization, cancellationToken);
        await cache.PublishAsync(AuthChange.OAuth, db);
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeAsync(subject, client, status, type, cancellationToken));

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeByApplicationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        await Announce(await base.RevokeBySubjectAsync(subject, cancellationToken));

    private ValueTask<long> Announce(long revoked) => OAuthRevocations.AnnounceAsync(cache, db, revoked);
}

/// <summary>What both stores do after a bulk revocation: tell every node's cache, if anything was revoked.</summary>
internal static class OAuthRevocations
{
    public static async ValueTask<long> AnnounceAsync(AuthCache cache, OrgKeysDbContext db, long revoked)
    {
        if (revoked > 0)
        {
            await cache.PublishAsync(AuthChange.OAuth, db);
        }

        return revoked;
    }
}
