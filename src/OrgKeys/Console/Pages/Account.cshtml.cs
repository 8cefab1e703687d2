using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication;
using OrgKeys.Data;
using OrgKeys.Users;

namespace OrgKeys.Console.Pages;

public sealed record AccountView(string Name, string Username, string Email);

public sealed record MembershipView(int Id, string Name, string Role);

/// <summary>
/// <c>/account</c> (and <c>/</c>): "My account" for a signed-in user, everyone else is sent to <c>/signin</c>.
/// The password change is the API's (<see cref="PasswordChange"/>); it ends every session, and this browser
/// gets a new one.
/// </summary>
public sealed class AccountModel(OrgKeysDbContext db, PasswordChange passwords, SessionTokens tokens) : PageModel
{
    public AccountView Account { get; private set; } = new("", "", "");

    public IReadOnlyList<MembershipView> Organizations { get; private set; } = [];

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    /// <summary><c>password</c> after a password change, for the notice after its redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public FormError? Error { get; private set; }

    public string? ErrorFor(string field) => Error?.Field == field ? Error.Message : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : Redirect(Request.Path == "/" ? "/signin" : "/signin?returnUrl=%2Faccount");

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (User.AsUser() is not { } user)
        {
            return Redirect("/signin?returnUrl=%2Faccount");
        }

        var outcome = await passwords.ChangeAsync(user.UserId, CurrentPassword, NewPassword, cancellationToken);
        (CurrentPassword, NewPassword) = (null, null);
        if (outcome.Wait is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await FailedAsync(StatusCodes.Status429TooManyRequests, new(null, $"Too many wrong passwords; try again in {seconds} seconds."), cancellationToken);
        }

        if (outcome.WrongCurrentPassword)
        {
            return await FailedAsync(StatusCodes.Status400BadRequest, new("current-password", "That is not your current password."), cancellationToken);
        }

        if (outcome.Error is not null)
        {
            return await FailedAsync(StatusCodes.Status400BadRequest,
                new("new-password", $"Choose a new password of {UserService.MinPasswordLength} to {UserService.MaxPasswordLength} characters."), cancellationToken);
        }

        // Every session ended, this one too: this browser signs in again with the new session version.
        var version = await db.Users.Where(u => u.Id == user.UserId).Select(u => u.SessionVersion).FirstAsync(cancellationToken);
        SessionCookie.Append(HttpContext, tokens, user.UserId, version);
        return Redirect("/account?done=password");
    }

    private async Task<IActionResult> FailedAsync(int status, FormError error, CancellationToken cancellationToken)
    {
        Error = error;
        Response.StatusCode = status;
        return await LoadAsync(cancellationToken) ? Page() : Redirect("/signin?returnUrl=%2Faccount");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (User.AsUser() is not { } user
            || await db.Users.AsNoTracking().Where(u => u.Id == user.UserId).Select(u => new AccountView(u.Name, u.Username, u.Email))
                .FirstOrDefaultAsync(cancellationToken) is not { } account)
        {
            return false;
        }

        Account = account;
        var memberships = await db.Members.AsNoTracking()
            .Where(m => m.UserId == user.UserId && m.Organization.DeletedDate == null)
            .OrderBy(m => m.Organization.Name).ThenBy(m => m.OrganizationId)
            .Select(m => new { m.OrganizationId, m.Organization.Name, m.Role })
            .ToListAsync(cancellationToken);
        Organizations = memberships.ConvertAll(m => new MembershipView(m.OrganizationId, m.Name, m.Role.ToString()));
        return true;
    }
}
