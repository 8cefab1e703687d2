using System.Collections.Immutable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using OrgKeys.Authentication;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.OAuth;

/// <summary>
/// <c>/oauth/consent</c>: the authorize endpoint sends a signed-in user here when they have not yet allowed
/// the client these scopes. Allow stores the consent and resumes the authorize request, which OpenIddict
/// checks again in full; Deny resumes it with the answer <c>access_denied</c>.
/// </summary>
public sealed class ConsentModel(OAuthConsents consents) : PageModel
{
    private const int MaxRequestLength = 8192;

    /// <summary>The authorize request's parameters as a query string, carried through the form.</summary>
    [BindProperty]
    public string? Authorize { get; set; }

    [BindProperty]
    public string? Decision { get; set; }

    public ConsentClient Client { get; private set; } = new("", "", "", null, "");

    public IReadOnlyList<string> Permissions { get; private set; } = [];

    public string ReturnsTo { get; private set; } = "";

    public List<FormError> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Authorize = Request.QueryString.Value;
        return await LoadAsync(cancellationToken) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        var parameters = AuthorizeLinks.Without(Parameters(), "consent");
        switch (Decision)
        {
            case "allow":
                await consents.GrantAsync(User.AsUser()!.UserId, Client.ApplicationId, Scopes(), cancellationToken);
                return Redirect(AuthorizeLinks.To(AuthorizeLinks.AuthorizePath, parameters));
            case "deny":
                parameters.Add(new(AuthorizeLinks.DeniedParameter, AuthorizeLinks.DeniedValue));
                return Redirect(AuthorizeLinks.To(AuthorizeLinks.AuthorizePath, parameters));
            default:
                Errors.Add(new("allow", "Choose Allow or Deny."));
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
        }
    }

    /// <summary>Null when the page can be shown; else sign-in, or 400 for a request that names no valid client (never a redirect to it).</summary>
    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        if (Authorize is not { Length: > 1 and <= MaxRequestLength } || Authorize[0] != '?')
        {
            return BadRequest();
        }

        if (User.AsUser() is null)
        {
            return Redirect(AuthorizeLinks.SignIn(Parameters(), force: false));
        }

        var parameters = Parameters();
        var redirectUri = Value(parameters, "redirect_uri");
        var client = await consents.FindClientAsync(Value(parameters, "client_id"), redirectUri, Scopes(), cancellationToken);
        if (client is null || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var returnsTo))
        {
            return BadRequest();
        }

        Client = client;
        Infrastructure.SecurityHeaders.AllowFormRedirect(HttpContext, returnsTo);
        ReturnsTo = returnsTo.Authority;
        Permissions = [.. Scopes().Select(s => OrgKeys.OAuth.Scopes.Descriptions[s])];
        return null;
    }

    private Dictionary<string, StringValues> Parameters() => QueryHelpers.ParseQuery(Authorize);

    private ImmutableArray<string> Scopes() =>
        [.. (Value(Parameters(), "scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static string? Value(Dictionary<string, StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    /// <summary>The client's homepage as a link only when it is http(s).</summary>
    public string? Homepage => Uri.TryCreate(Client.HomepageUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri.AbsoluteUri : null;
}
