using System.Security.Claims;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data.Entities;

namespace OrgKeys.OAuth;

/// <summary>An OAuth access token: its client and the scopes it was granted (<see cref="OAuthScopeHandler"/> enforces them).</summary>
/// <remarks>A token ends at <paramref name="ExpiresAt"/>, so it may not make what would outlive it (a client, a member, a key beyond it).</remarks>
public abstract record OAuthCaller(string ClientId, IReadOnlySet<string> GrantedScopes, DateTime ExpiresAt) : Caller
{
    public override string Scope { get; } = string.Join(' ', GrantedScopes.Order(StringComparer.Ordinal));

    public override DateTime? NotAfter => ExpiresAt;
}

/// <summary>A client-credentials token: it acts as its client's organization, as an admin key would.</summary>
public sealed record OAuthClientCaller(string ClientId, int OrganizationId, IReadOnlySet<string> GrantedScopes, DateTime ExpiresAt)
    : OAuthCaller(ClientId, GrantedScopes, ExpiresAt)
{
    public override string Subject { get; } = "oauth-client:" + ClientId;

    public override bool TryResolveCached(int? wantedOrganization, AuthCache cache, DateTimeOffset now, out CallerAccess access)
    {
        access = new CallerAccess(OrganizationId, OrganizationRole.Admin);
        return true;
    }

    public override ValueTask<CallerAccess> ResolveAsync(int? wantedOrganization, AccessLookup lookup, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CallerAccess(OrganizationId, OrganizationRole.Admin));

    public override CallerIdentity ToIdentity(string scheme) => new OAuthClientIdentity(this, scheme);
}

/// <summary>A token a user delegated to a client: it acts as the user (roles looked up as for a session), never beyond its scopes.</summary>
public sealed record OAuthUserCaller(SessionUser User, string ClientId, IReadOnlySet<string> GrantedScopes, DateTime ExpiresAt)
    : OAuthCaller(ClientId, GrantedScopes, ExpiresAt)
{
    public override string Subject => User.Subject;

    public override string? OnBehalfOf { get; } = "oauth-client:" + ClientId;

    public override bool TryResolveCached(int? wantedOrganization, AuthCache cache, DateTimeOffset now, out CallerAccess access) =>
        User.TryResolveCached(wantedOrganization, cache, now, out access);

    public override ValueTask<CallerAccess> ResolveAsync(int? wantedOrganization, AccessLookup lookup, CancellationToken cancellationToken) =>
        User.ResolveAsync(wantedOrganization, lookup, cancellationToken);

    public override CallerIdentity ToIdentity(string scheme) => new UserIdentity(this, User.UserId, scheme);
}

/// <summary>The identity of a client-credentials token.</summary>
public sealed class OAuthClientIdentity : CallerIdentity
{
    public OAuthClientIdentity(OAuthClientCaller client, string scheme)
        : base(client, new Claim("orgkeys:oauth_client", client.ClientId), scheme) => Client = client;

    private OAuthClientIdentity(OAuthClientIdentity other) : base(other) => Client = other.Client;

    public OAuthClientCaller Client { get; }

    public override ClaimsIdentity Clone() => new OAuthClientIdentity(this);
}

public static class OAuthPrincipalExtensions
{
    /// <summary>Any OAuth access token, client or user.</summary>
    public static OAuthCaller? AsOAuthToken(this ClaimsPrincipal principal) => principal.AsCaller() as OAuthCaller;

    /// <summary>A client-credentials token: it acts as its client's organization.</summary>
    public static OAuthClientCaller? AsOAuthClient(this ClaimsPrincipal principal) => principal.AsCaller() as OAuthClientCaller;
}
