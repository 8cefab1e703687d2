using System.Security.Claims;

namespace OrgKeys.OAuth;

/// <summary>
/// What a Bearer access token carries besides who it acts as: its client and its scopes. For a user token it
/// rides beside the <see cref="Authentication.UserIdentity"/>; for a client-credentials token it is the primary
/// identity and <see cref="OrganizationId"/> is the organization that owns the client.
/// </summary>
public sealed class OAuthTokenIdentity : ClaimsIdentity
{
    public OAuthTokenIdentity(string clientId, IReadOnlySet<string> scopes, int? organizationId, string scheme)
        : base([new Claim("orgkeys:oauth_client", clientId)], scheme)
    {
        ClientId = clientId;
        Scopes = scopes;
        OrganizationId = organizationId;
    }

    private OAuthTokenIdentity(OAuthTokenIdentity other) : base(other)
    {
        ClientId = other.ClientId;
        Scopes = other.Scopes;
        OrganizationId = other.OrganizationId;
    }

    public string ClientId { get; }
    public IReadOnlySet<string> Scopes { get; }
    public int? OrganizationId { get; }

    public override ClaimsIdentity Clone() => new OAuthTokenIdentity(this);
}

public static class OAuthPrincipalExtensions
{
    public static OAuthTokenIdentity? AsOAuthToken(this ClaimsPrincipal principal) => principal.Identities.OfType<OAuthTokenIdentity>().FirstOrDefault();

    /// <summary>A client-credentials token: it acts as its client's organization.</summary>
    public static OAuthTokenIdentity? AsOAuthClient(this ClaimsPrincipal principal) =>
        principal.Identity is OAuthTokenIdentity { OrganizationId: not null } client ? client : null;
}
