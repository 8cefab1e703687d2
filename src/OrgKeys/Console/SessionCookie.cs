using OrgKeys.Authentication;

namespace OrgKeys.Console;

/// <summary>The session JWT as the <c>jwt</c> cookie the API's cookie scheme reads: set on sign-in, and again after a password change.</summary>
internal static class SessionCookie
{
    public static void Append(HttpContext http, SessionTokens tokens, int userId, int sessionVersion) =>
        http.Response.Cookies.Append(AuthSchemes.JwtCookieName, tokens.Issue(userId, sessionVersion), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = tokens.Lifetime,
        });
}
