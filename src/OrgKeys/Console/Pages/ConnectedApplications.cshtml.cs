using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.Authentication;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages;

/// <summary><c>/connected-applications</c>: the user's remembered consents; withdrawing one stops its tokens at once.</summary>
public sealed class ConnectedApplicationsModel(OAuthConsents consents) : PageModel
{
    public IReadOnlyList<ConsentView> Consents { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public bool Withdrawn { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.AsUser() is not { } user)
        {
            return Redirect("/signin?ReturnUrl=%2Fconnected-applications");
        }

        Consents = await consents.ListAsync(user.UserId, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        if (User.AsUser() is not { } user)
        {
            return Redirect("/signin?ReturnUrl=%2Fconnected-applications");
        }

        return await consents.WithdrawAsync(user.UserId, id, cancellationToken) ? Redirect("/connected-applications?withdrawn=true") : NotFound();
    }
}
