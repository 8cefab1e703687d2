using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>
/// <c>Authorization: Bearer</c>: OpenIddict validation (local server; signature, expiry, and the token and
/// authorization entries in the database, so revocation is immediate), then who the token acts as. Only
/// access tokens pass: an ID token or a refresh token is refused by OpenIddict's token type check.
/// </summary>
public sealed class OAuthBearerCarrier : ICredentialCarrier
{
    private static readonly CredentialVerdict Invalid = CredentialVerdict.Refused(Refusal.InvalidAccessToken);
    private static readonly CredentialVerdict Ended = CredentialVerdict.Refused(Refusal.EndedAccessToken);

    public string MetricLabel => "bearer";

    /// <summary>Only Bearer: other Authorization schemes (Basic…) may belong to the service behind a proxy.</summary>
    public bool IsPresent(HttpRequest request) =>
        request.Headers.Authorization is [{ } authorization]
        && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Not cached yet: every Bearer request is verified in full, so a revocation counts at once on every node.</summary>
    public CredentialVerdict? VerifyCached(HttpRequest request) => null;

    public async ValueTask<CredentialVerdict> VerifyAsync(HttpContext http)
    {
        // Off the request-handler list (OAuthAwareSchemeProvider), OpenIddict's validation handler is started
        // here, only for requests that carry a Bearer token; it answers nothing itself.
        var handlers = http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(http, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme) is IAuthenticationRequestHandler validation
            && await validation.HandleRequestAsync())
        {
            return Invalid;
        }

        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } token)
        {
            return Invalid;
        }

        var clientId = token.GetClaim(Claims.ClientId) ?? "";
        var scopes = token.GetScopes().ToHashSet(StringComparer.Ordinal);
        // OpenIddict refuses a token without an expiry before this; the fallback only keeps the rule closed.
        var expiresAt = token.GetExpirationDate()?.UtcDateTime ?? DateTime.UnixEpoch;
        if (int.TryParse(token.GetClaim(OAuthClaims.Organization), NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId))
        {
            // The client must still exist in a live organization (deleting the client already removed its tokens).
            var live = await http.RequestServices.GetRequiredService<OrgKeysDbContext>().OAuthApplications
                .AnyAsync(a => a.ClientId == clientId && a.OrganizationId == organizationId && a.Organization.DeletedDate == null, http.RequestAborted);
            return live ? CredentialVerdict.Accepted(new OAuthClientCaller(clientId, organizationId, scopes, expiresAt)) : Invalid;
        }

        if (int.TryParse(token.GetClaim(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            && int.TryParse(token.GetClaim(OAuthClaims.SessionVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var sessionVersion)
            && await http.RequestServices.GetRequiredService<AccessLookup>().IsSessionCurrentAsync(userId, sessionVersion, http.RequestAborted))
        {
            return CredentialVerdict.Accepted(new OAuthUserCaller(new SessionUser(userId, sessionVersion), clientId, scopes, expiresAt));
        }

        return Ended;
    }
}
