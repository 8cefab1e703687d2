using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.Authentication;
using OrgKeys.Users;

namespace OrgKeys.Console.Pages;

/// <summary><c>/signout</c>: like <c>/v1/api-logout</c>, ends every session of the user, then clears the cookie.</summary>
public sealed class SignoutModel(UserService users) : PageModel
{
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (User.AsUser() is { } user)
        {
            await users.EndSessionsAsync(user.UserId, cancellationToken);
        }

        Response.Cookies.Delete(AuthSchemes.JwtCookieName, new CookieOptions { Path = "/" });
        return Redirect("/signin");
    }
}
