using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.OAuth;
using Grants = OpenIddict.Abstractions.OpenIddictConstants.GrantTypes;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>
/// The register and edit forms' fields, checked by <see cref="OAuthClientRules.Settings"/>: the API's own rules
/// and messages, each shown next to the field it is about.
/// </summary>
public abstract class OAuthClientForm : OAuthClientPage
{
    public static readonly IReadOnlyList<(string Value, string Label)> GrantTypeChoices =
    [
        (Grants.AuthorizationCode, "Authorization code: people sign in and consent, then the app gets a token (with PKCE)"),
        (Grants.RefreshToken, "Refresh token: the app keeps access without asking people to sign in again"),
        (Grants.ClientCredentials, "Client credentials: the app acts on its own, with its secret"),
        (Grants.Password, "Password: the app asks for a person's password (legacy; trusted apps only)"),
        (Grants.Implicit, "Implicit: tokens straight from the sign-in page (legacy)"),
    ];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? HomepageUrl { get; set; }

    /// <summary>One URI a line, as the textarea sends them.</summary>
    [BindProperty]
    public string? RedirectUris { get; set; }

    // No default here: a form posted with every box unticked must not fall back to one.
    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public List<string> GrantTypes { get; set; } = [];

    public List<FormError> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.Find(e => e.Field == field)?.Message;

    /// <summary>The settings to store, or null with the refusal in <see cref="Errors"/>.</summary>
    protected OAuthClientSettings? Validate(bool isPublic)
    {
        var uris = (RedirectUris ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var (settings, error) = OAuthClientRules.Settings(Name, Blank(Description), Blank(HomepageUrl), uris, Scopes, GrantTypes, isPublic);
        if (error is not null)
        {
            Errors.Add(new(FieldOf(error), error));
        }

        return settings;
    }

    protected void Show(SelfServeOAuthClient client)
    {
        Name = client.Name;
        Description = client.Description;
        HomepageUrl = client.HomepageUrl;
        RedirectUris = string.Join('\n', client.RedirectUris);
        Scopes = [.. client.Scopes];
        GrantTypes = [.. client.AllowedGrantTypes];
    }

    protected PageResult Refused(int status)
    {
        Response.StatusCode = status;
        return Page();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The form field an <see cref="OAuthClientRules"/> message is about, by the API field it names.</summary>
    private static string FieldOf(string error) =>
        error.Contains("'name'", StringComparison.Ordinal) ? "name"
        : error.Contains("'description'", StringComparison.Ordinal) ? "description"
        : error.Contains("'homepageUrl'", StringComparison.Ordinal) ? "homepage-url"
        : error.Contains("'scopes'", StringComparison.Ordinal) ? "scope-0"
        : error.Contains("'redirectUris'", StringComparison.Ordinal) ? "redirect-uris"
        : "grant-0";
}
