namespace OrgKeys.Authentication;

/// <summary>
/// The names the contract gives the credentials: ASP.NET Core scheme names (in the OpenAPI document)
/// and where each is carried. The carriers (<see cref="Carriers.ICredentialCarrier"/>) use these.
/// </summary>
public static class AuthSchemes
{
    /// <summary>Policy scheme: forwards to the handler of the credential the request carries.</summary>
    public const string Default = "credentials";
    public const string ApiKey = "ApiKeyAuthentication";
    public const string JwtCookie = "JWTAuthentication";
    public const string JwtHeader = "JWTHttpHeaderAuthentication";
    /// <summary>More than one credential: every one of them must be valid.</summary>
    public const string AllPresent = "all-present-credentials";
    /// <summary><c>Authorization: Bearer</c>, refused until OAuth (issue 4) gives it a handler.</summary>
    public const string Bearer = "Bearer";

    public const string ApiKeyHeader = "x-api-key";
    public const string JwtHeaderName = "x-jwt-token";
    public const string JwtCookieName = "jwt";

    /// <summary>Without a Cookie header, without parsing cookies (which builds the feature per request).</summary>
    public static bool HasJwtCookie(HttpRequest request) =>
        request.Headers.Cookie.Count > 0 && request.Cookies.ContainsKey(JwtCookieName);
}
