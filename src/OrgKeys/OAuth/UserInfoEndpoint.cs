using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OrgKeys.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary><c>/v1/oauth/userinfo</c>: the claims the access token's scopes allow, while the user's session lasts.</summary>
internal static class UserInfoEndpoint
{
    public static async Task<IResult> UserInfo(HttpContext http, OrgKeysDbContext db)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var userId = int.TryParse(principal?.GetClaim(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled, http.RequestAborted);
        if (principal is null || user is null
            || principal.GetClaim(OAuthClaims.SessionVersion) != user.SessionVersion.ToString(CultureInfo.InvariantCulture))
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is no longer valid.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id.ToString(CultureInfo.InvariantCulture) };
        if (principal.HasScope(OpenIddict.Abstractions.OpenIddictConstants.Scopes.Profile))
        {
            claims[Claims.Name] = user.Name;
            claims[Claims.PreferredUsername] = user.Username;
        }

        if (principal.HasScope(OpenIddict.Abstractions.OpenIddictConstants.Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
        }

        return Results.Ok(claims);
    }
}
