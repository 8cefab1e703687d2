namespace OrgKeys.Authentication;

/// <summary>The contract's three credential carriers, one ASP.NET Core scheme each.</summary>
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

    /// <summary>Credential schemes in precedence order: explicit headers before the ambient cookie.</summary>
    private static readonly string[] Precedence = [ApiKey, JwtHeader, JwtCookie, Bearer];

    /// <summary>Schemes of the credentials present, in precedence order.</summary>
    public static List<string> Present(HttpContext http)
    {
        var present = new List<string>(Precedence.Length);
        foreach (var scheme in Precedence)
        {
            if (IsPresent(http, scheme))
            {
                present.Add(scheme);
            }
        }

        return present;
    }

    /// <summary>Runs on every request, so it counts without allocating.</summary>
    public static string Select(HttpContext http)
    {
        string? first = null;
        foreach (var scheme in Precedence)
        {
            if (!IsPresent(http, scheme))
            {
                continue;
            }

            if (first is not null)
            {
                return AllPresent;
            }

            first = scheme;
        }

        return first ?? ApiKey; // ApiKey answers NoResult: the request is anonymous
    }

    /// <summary>Without a Cookie header, without parsing cookies (which builds the feature per request).</summary>
    public static bool HasJwtCookie(HttpRequest request) =>
        request.Headers.Cookie.Count > 0 && request.Cookies.ContainsKey(JwtCookieName);

    private static bool IsPresent(HttpContext http, string scheme) => scheme switch
    {
        ApiKey => http.Request.Headers.ContainsKey(ApiKeyHeader),
        JwtHeader => http.Request.Headers.ContainsKey(JwtHeaderName),
        JwtCookie => HasJwtCookie(http.Request),
        // Only Bearer: other Authorization schemes (Basic…) may belong to the service behind a proxy.
        Bearer => http.Request.Headers.Authorization is [{ } authorization]
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
