using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Observability;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>
/// <c>Authorization: Bearer</c>: OpenIddict validation (local server; signature, expiry, and the token and
/// authorization entries in the database, so revocation is immediate), then who the token acts as. Only
/// access tokens pass: an ID token or a refresh token is refused by OpenIddict's token type check.
/// </summary>
internal sealed class OAuthBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessLookup access,
    OrgKeysMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string InvalidToken = "Invalid or expired access token.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Off the request-handler list (OAuthAwareSchemeProvider), OpenIddict's validation handler is started
        // here, only for requests that carry a Bearer token; it answers nothing itself.
        var handlers = Context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(Context, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme) is IAuthenticationRequestHandler validation
            && await validation.HandleRequestAsync())
        {
            return AuthenticateResult.Fail(InvalidToken);
        }

        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } token)
        {
            metrics.Authenticated(CredentialKind.Bearer, AuthOutcome.Invalid);
            return AuthenticateResult.Fail(InvalidToken);
        }

        var clientId = token.GetClaim(Claims.ClientId) ?? "";
        var scopes = token.GetScopes().ToHashSet(StringComparer.Ordinal);
        var identities = new List<ClaimsIdentity>(2);
        if (int.TryParse(token.GetClaim(OAuthClaims.Organization), NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId))
        {
            // The client must still exist in a live organization (deleting the client already removed its tokens).
            var live = await Context.RequestServices.GetRequiredService<OrgKeysDbContext>().OAuthApplications
                .AnyAsync(a => a.ClientId == clientId && a.OrganizationId == organizationId && a.Organization.DeletedDate == null, Context.RequestAborted);
            if (!live)
            {
                metrics.Authenticated(CredentialKind.Bearer, AuthOutcome.Invalid);
                return AuthenticateResult.Fail(InvalidToken);
            }

            identities.Add(new OAuthTokenIdentity(clientId, scopes, organizationId, Scheme.Name));
        }
        else if (int.TryParse(token.GetClaim(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            && int.TryParse(token.GetClaim(OAuthClaims.SessionVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var sessionVersion)
            && await access.IsSessionCurrentAsync(userId, sessionVersion, Context.RequestAborted))
        {
            // Acts as the user, whose roles are looked up per request as for a session: never beyond them.
            identities.Add(new UserIdentity(userId, Scheme.Name));
            identities.Add(new OAuthTokenIdentity(clientId, scopes, null, Scheme.Name));
        }
        else
        {
            metrics.Authenticated(CredentialKind.Bearer, AuthOutcome.SessionEnded);
            return AuthenticateResult.Fail(InvalidToken);
        }

        metrics.Authenticated(CredentialKind.Bearer, AuthOutcome.Accepted);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identities), Scheme.Name));
    }
}
