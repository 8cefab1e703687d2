using System.Net;
using OrgKeys.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>What a client registration may say: checked before anything is stored.</summary>
internal static class OAuthClientRules
{
    public const int MaxRedirectUris = 10;

    public static readonly string[] GrantTypeNames =
        [GrantTypes.AuthorizationCode, GrantTypes.Implicit, GrantTypes.Password, GrantTypes.ClientCredentials, GrantTypes.RefreshToken];

    public static readonly string[] DefaultGrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken];

    // The consent page shows both to users: a newline or a bidirectional override would forge what they read.
    public static string? Name(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128
            ? "'name' is required and must be at most 128 characters." : ClientText.RefuseControlCharacters("name", name);

    public static string? Description(string? description) =>
        description is not null && description.Length > 1024
            ? "'description' must be at most 1024 characters." : ClientText.RefuseControlCharacters("description", description);

    public static string? HomepageUrl(string? url) =>
        url is not null && (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            ? "'homepageUrl' must be an absolute http(s) URL." : null;

    /// <summary>Absolute https, or http on a loopback address only (RFC 8252); no fragment. Matched exactly later.</summary>
    public static string? RedirectUris(IReadOnlyList<string> uris)
    {
        if (uris.Count > MaxRedirectUris)
        {
            return $"'redirectUris' may list at most {MaxRedirectUris} URIs.";
        }

        foreach (var value in uris)
        {
            if (value is null || value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment)
                || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri))))
            {
                return "Each of 'redirectUris' must be an absolute https URL (http only on a loopback address), without a fragment.";
            }
        }

        return null;
    }

    public static string? ScopeList(IReadOnlyList<string> scopes) =>
        scopes.Count > Scopes.All.Length || scopes.Any(s => s is null || !Scopes.IsKnown(s))
            ? $"Each of 'scopes' must be one of: {string.Join(", ", Scopes.All)}." : null;

    public static string? GrantTypeList(IReadOnlyList<string> grantTypes, bool isPublic, int redirectUris)
    {
        if (grantTypes.Count == 0 || grantTypes.Any(g => g is null || !GrantTypeNames.Contains(g, StringComparer.Ordinal)))
        {
            return $"'allowedGrantTypes' must list some of: {string.Join(", ", GrantTypeNames)}.";
        }

        if (isPublic && grantTypes.Contains(GrantTypes.ClientCredentials, StringComparer.Ordinal))
        {
            return "A public client has no secret, so it cannot use client_credentials.";
        }

        return redirectUris == 0 && (grantTypes.Contains(GrantTypes.AuthorizationCode, StringComparer.Ordinal) || grantTypes.Contains(GrantTypes.Implicit, StringComparer.Ordinal))
            ? "'redirectUris' must list at least one URI for authorization_code or implicit."
            : null;
    }

    /// <summary>The API's checks in its order, first refusal wins; the settings to store (duplicates dropped) when all pass.</summary>
    public static (OAuthClientSettings?, string?) Settings(string? name, string? description, string? homepageUrl, IReadOnlyList<string> redirectUris,
        IReadOnlyList<string> scopes, IReadOnlyList<string> grantTypes, bool isPublic)
    {
        var error = Name(name) ?? Description(description) ?? HomepageUrl(homepageUrl) ?? RedirectUris(redirectUris) ?? ScopeList(scopes)
            ?? GrantTypeList(grantTypes, isPublic, redirectUris.Count);
        return error is null
            ? (new OAuthClientSettings(name!.Trim(), description, homepageUrl, [.. redirectUris.Distinct(StringComparer.Ordinal)],
                [.. scopes.Distinct(StringComparer.Ordinal)], [.. grantTypes.Distinct(StringComparer.Ordinal)]), null)
            : (null, error);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback && (uri.HostNameType != UriHostNameType.Dns || uri.Host == "localhost")
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
