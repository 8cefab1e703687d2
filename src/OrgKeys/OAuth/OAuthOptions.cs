namespace OrgKeys.OAuth;

/// <summary><c>OrgKeys:Issuer</c> and <c>OrgKeys:OAuth:*</c>.</summary>
public sealed class OAuthOptions
{
    /// <summary>The issuer every token names; when unset, the base URL of each request (one host only).</summary>
    public Uri? Issuer { get; set; }

    /// <summary>The OAuth endpoints refuse plain HTTP unless this is false (a TLS-terminating proxy, or tests).</summary>
    public bool RequireHttps { get; set; } = true;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public static string? Validate(OAuthOptions options) =>
        options.Issuer is { } issuer && (!issuer.IsAbsoluteUri || issuer.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment))
            ? "OrgKeys:Issuer must be an absolute http(s) URL without query or fragment."
            : options.AccessTokenLifetime <= TimeSpan.Zero || options.RefreshTokenLifetime <= TimeSpan.Zero
                || options.RefreshTokenLifetime >= OAuthKeyRing.RetainSuperseded
                ? $"OrgKeys:OAuth lifetimes must be positive and refresh tokens must live less than {OAuthKeyRing.RetainSuperseded.TotalDays} days."
                : null;
}
