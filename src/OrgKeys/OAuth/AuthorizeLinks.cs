using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace OrgKeys.OAuth;

/// <summary>
/// The round trip of an authorize request through the pages: <c>/signin</c> and <c>/oauth/consent</c> get
/// its parameters and send the browser back to <c>/v1/oauth/authorize</c> with them. They are not secrets
/// (the client put them in the browser's address bar); no password or token ever goes into these URLs.
/// </summary>
public static class AuthorizeLinks
{
    public const string AuthorizePath = "/v1/oauth/authorize";
    public const string ConsentPath = "/oauth/consent";
    public const string SignInPath = "/signin";

    /// <summary>
    /// Set by the consent page's Deny. Anyone can add it to a link, but all it does is answer
    /// <c>access_denied</c> to the client, which the user could do anyway.
    /// </summary>
    public const string DeniedParameter = "orgkeys_consent";
    public const string DeniedValue = "denied";

    /// <summary>The request's authorize parameters (query, or form for a POST), without one <c>prompt</c> value and our marker.</summary>
    public static List<KeyValuePair<string, StringValues>> Parameters(HttpRequest request, string? dropPrompt = null) =>
        Without(request.HasFormContentType ? request.Form : request.Query, dropPrompt);

    public static List<KeyValuePair<string, StringValues>> Without(IEnumerable<KeyValuePair<string, StringValues>> parameters, string? dropPrompt)
    {
        var kept = new List<KeyValuePair<string, StringValues>>();
        foreach (var (name, values) in parameters)
        {
            if (name == DeniedParameter)
            {
                continue;
            }

            if (name == "prompt" && dropPrompt is not null)
            {
                var prompt = string.Join(' ', values.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != dropPrompt));
                if (prompt.Length > 0)
                {
                    kept.Add(new(name, prompt));
                }

                continue;
            }

            kept.Add(new(name, values));
        }

        return kept;
    }

    public static string To(string path, IEnumerable<KeyValuePair<string, StringValues>> parameters) => QueryHelpers.AddQueryString(path, parameters);

    public static string SignIn(IEnumerable<KeyValuePair<string, StringValues>> authorize, bool force) =>
        QueryHelpers.AddQueryString(SignInPath, force
            ? new Dictionary<string, string?> { ["ReturnUrl"] = To(AuthorizePath, authorize), ["prompt"] = "login" }
            : new Dictionary<string, string?> { ["ReturnUrl"] = To(AuthorizePath, authorize) });
}
