using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.Authentication;
using OrgKeys.Users;

namespace OrgKeys.Console.Pages;

/// <summary>A field the message is about (the id of its input), or null for the whole form.</summary>
public sealed record FormError(string? Field, string Message);

/// <summary>
/// <c>/signin</c>: the same password sign-in as <c>/v1/api-login</c> (<see cref="PasswordSignIn"/>),
/// ending in the session JWT as the <c>jwt</c> cookie the API's cookie scheme reads.
/// </summary>
public sealed class SigninModel(PasswordSignIn signIn, SessionTokens tokens, OrgKeys.OAuth.OAuthConsents consents) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary><c>login</c> when an authorize request asked to sign in again (<c>prompt=login</c>): the form even with a session.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Prompt { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public List<FormError> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.Find(e => e.Field == field)?.Message;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.AsUser() is not null && Prompt != "login")
        {
            return LocalRedirect(SafeReturnUrl());
        }

        await AllowReturnToClientAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Username) || Username.Length > 254)
        {
            Errors.Add(new("username", "Enter your username or e-mail."));
        }

        if (string.IsNullOrEmpty(Password) || Password.Length > UserService.MaxPasswordLength)
        {
            Errors.Add(new("password", "Enter your password."));
        }

        await AllowReturnToClientAsync(cancellationToken);
        if (Errors.Count > 0)
        {
            return Refused(StatusCodes.Status400BadRequest);
        }

        var outcome = await signIn.SignInAsync(Username!, Password!, cancellationToken);
        if (outcome.Wait is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            Errors.Add(new(null, $"Too many failed sign-in attempts; try again in {seconds} seconds."));
            return Refused(StatusCodes.Status429TooManyRequests);
        }

        if (outcome.User is not { } user)
        {
            Errors.Add(new("username", PasswordSignIn.Failed));
            return Refused(StatusCodes.Status401Unauthorized);
        }

        SessionCookie.Append(HttpContext, tokens, user.Id, user.SessionVersion);
        return LocalRedirect(SafeReturnUrl());
    }

    /// <summary>Back to an authorize request whose consent is remembered, the form's redirects end at the client.</summary>
    private async Task AllowReturnToClientAsync(CancellationToken cancellationToken)
    {
        if (await consents.RedirectOfAsync(SafeReturnUrl(), cancellationToken) is { } redirectUri)
        {
            Infrastructure.SecurityHeaders.AllowFormRedirect(HttpContext, redirectUri);
        }
    }

    /// <summary>The form again, without the password, with a status that says why.</summary>
    private PageResult Refused(int status)
    {
        Password = null;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>
    /// Only a path on this site: <c>//evil.example</c>, <c>/\evil.example</c> and absolute URLs are
    /// refused (open redirect), and the account page is used instead.
    /// </summary>
    private string SafeReturnUrl() => ReturnUrl is { Length: <= 2048 } url && Url.IsLocalUrl(url) && !url.StartsWith("~/", StringComparison.Ordinal) ? url : "/";
}
