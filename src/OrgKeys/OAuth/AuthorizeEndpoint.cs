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
/// the <c>jwt</c> cookie (else <c>/signin</c>); tokens are issued once they have consented to these
/// scopes for this client (else <c>/oauth/consent</c>). <c>prompt=none</c> never shows a page.
/// </summary>
internal static class AuthorizeEndpoint
{
    public static async Task<IResult> Authorize(HttpContext http, OrgKeysDbContext db, OAuthConsents consents)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if ((string?)request[AuthorizeLinks.DeniedParameter] == AuthorizeLinks.DeniedValue)
        {
            return TokenEndpoint.Refuse(Errors.AccessDenied, "The user did not allow this application.");
        }

        var silent = request.HasPromptValue(PromptValues.None);
        var session = await http.AuthenticateAsync(AuthSchemes.JwtCookie);
        var user = session.Principal?.AsUser() is { } signedIn
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == signedIn.UserId && !u.Disabled, http.RequestAborted)
            : null;
        var forceLogin = request.HasPromptValue(PromptValues.Login);
        if (user is null || forceLogin)
        {
            return silent
                ? TokenEndpoint.Refuse(Errors.LoginRequired, "Sign in to OrgKeys first.")
                : Results.Redirect(AuthorizeLinks.SignIn(AuthorizeLinks.Parameters(http.Request, PromptValues.Login), forceLogin));
        }

        var scopes = request.GetScopes();
        var client = await consents.FindClientAsync(request.ClientId, request.RedirectUri, scopes, http.RequestAborted);
        if (client is null)
        {
            return TokenEndpoint.Refuse(Errors.InvalidRequest, "The client or one of its scopes is no longer available.");
        }

        var consent = request.HasPromptValue(PromptValues.Consent) ? null
            : await consents.FindRememberedAsync(user.Id, client.ApplicationId, scopes, http.RequestAborted);
        if (consent is null)
        {
            return silent
                ? TokenEndpoint.Refuse(Errors.ConsentRequired, "You have not allowed this application these scopes.")
                : Results.Redirect(AuthorizeLinks.To(AuthorizeLinks.ConsentPath, AuthorizeLinks.Parameters(http.Request, PromptValues.Consent)));
        }

        var identity = OAuthClaims.ForUser(user, scopes);
        identity.SetAuthorizationId(consent);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
