using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;
using OrgKeys.Authentication;
using OrgKeys.Users;

namespace OrgKeys.OAuth;

/// <summary>
/// <c>/v1/oauth/logout</c> (OpenID Connect end session): like <c>/v1/api-logout</c>, it ends every session
/// of the signed-in user, which also stops their OAuth tokens, then returns to the client's registered
/// post-logout URI if it gave one.
/// </summary>
internal static class LogoutEndpoint
{
    public static async Task<IResult> Logout(HttpContext http, UserService users)
    {
        if ((await http.AuthenticateAsync(AuthSchemes.JwtCookie)).Principal?.AsUser() is { } user)
        {
            await users.EndSessionsAsync(user.UserId, http.RequestAborted);
        }

        http.Response.Cookies.Delete(AuthSchemes.JwtCookieName);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
