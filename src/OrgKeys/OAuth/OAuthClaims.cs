using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using OrgKeys.Data.Entities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>The identities OrgKeys issues tokens for, and where each claim may go.</summary>
internal static class OAuthClaims
{
    /// <summary>On a client-credentials token: the organization that owns the client.</summary>
    public const string Organization = "orgkeys:org";

    /// <summary>On a user token: the session version it was issued under (logout, password change and disabling end it).</summary>
    public const string SessionVersion = "orgkeys:sv";

    public static ClaimsIdentity ForUser(User user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString(CultureInfo.InvariantCulture))
            .SetClaim(SessionVersion, user.SessionVersion.ToString(CultureInfo.InvariantCulture))
            .SetClaim(Claims.Name, user.Name)
            .SetClaim(Claims.PreferredUsername, user.Username)
            .SetClaim(Claims.Email, user.Email);
        identity.SetScopes(scopes);
        identity.SetDestinations(Destinations);
        return identity;
    }

    public static ClaimsIdentity ForClient(OAuthApplication client, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId)
            .SetClaim(Organization, client.OrganizationId.ToString(CultureInfo.InvariantCulture));
        identity.SetScopes(scopes);
        identity.SetDestinations(Destinations);
        return identity;
    }

    /// <summary>Profile and e-mail go into the ID token only when their scope was granted; our own claims only into access tokens.</summary>
    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Name or Claims.PreferredUsername when claim.Subject!.HasScope(OpenIddict.Abstractions.OpenIddictConstants.Scopes.Profile) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Email when claim.Subject!.HasScope(OpenIddict.Abstractions.OpenIddictConstants.Scopes.Email) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Subject => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Organization or SessionVersion => [OpenIddictConstants.Destinations.AccessToken],
        _ => [],
    };
}
