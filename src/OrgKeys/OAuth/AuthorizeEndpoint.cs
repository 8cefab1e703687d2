using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OrgKeys.Authentication;
using OrgKeys.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>
/// <c>/v1/oauth/authorize</c> (code and implicit) after OpenIddict has checked the client, the exact
/// redirect URI, the response type and scope permissions and PKCE. The user is the one signed in with
/// the <c>jwt</c> cookie; tokens are issued when they have consented to these scopes for this client.
/// </summary>
internal static class AuthorizeEndpoint
{
    public static async Task<IResult> Authorize(HttpContext http, OrgKeysDbContext db, IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await http.AuthenticateAsync(AuthSchemes.JwtCookie);
        if (session.Principal?.AsUser() is not { } signedIn)
        {
            // The sign-in page is not built yet: tell the client, at its registered redirect URI.
            return TokenEndpoint.Refuse(Errors.LoginRequired, "Sign in to OrgKeys first.");
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == signedIn.UserId && !u.Disabled, http.RequestAborted);
        var application = await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted);
        if (user is null || application is null)
        {
            return TokenEndpoint.Refuse(Errors.LoginRequired, "Sign in to OrgKeys first.");
        }

        var subject = user.Id.ToString(CultureInfo.InvariantCulture);
        var applicationId = (await applications.GetIdAsync(application, http.RequestAborted))!;
        var scopes = request.GetScopes();
        object? consent = null;
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, http.RequestAborted))
        {
            consent = authorization;
            break;
        }

        if (consent is null)
        {
            // The consent page is not built yet; without a remembered consent nothing is issued.
            return TokenEndpoint.Refuse(Errors.ConsentRequired, "You have not allowed this application these scopes.");
        }

        var identity = OAuthClaims.ForUser(user, scopes);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(consent, http.RequestAborted));
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
