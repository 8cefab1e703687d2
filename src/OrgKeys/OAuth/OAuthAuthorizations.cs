using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>Every user token hangs off an authorization, so withdrawing it (or replaying a code) stops them all.</summary>
internal static class OAuthAuthorizations
{
    public static async Task AttachAdHocAsync(IServiceProvider services, ClaimsIdentity identity, string clientId, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict validated an unknown client.");
        var authorization = await authorizations.CreateAsync(new ClaimsPrincipal(identity), identity.GetClaim(Claims.Subject)!,
            (await applications.GetIdAsync(application, cancellationToken))!, AuthorizationTypes.AdHoc, identity.GetScopes(), cancellationToken);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, cancellationToken));
    }
}
