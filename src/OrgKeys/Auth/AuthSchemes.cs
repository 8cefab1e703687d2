namespace OrgKeys.Auth;

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

    /// <summary>Schemes of the credentials present, in precedence order (explicit headers before the ambient cookie).</summary>
    public static List<string> Present(HttpContext http)
    {
        var present = new List<string>(4);
        if (http.Request.Headers.ContainsKey(ApiKeyHeader))
        {
            present.Add(ApiKey);
        }

        if (http.Request.Headers.ContainsKey(JwtHeaderName))
        {
            present.Add(JwtHeader);
        }

        if (http.Request.Cookies.ContainsKey(JwtCookieName))
        {
            present.Add(JwtCookie);
        }

        // Only Bearer: other Authorization schemes (Basic…) may belong to the service behind a proxy.
        if (http.Request.Headers.Authorization is [{ } authorization]
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            present.Add(Bearer);
        }

        return present;
    }

    public static string Select(HttpContext http)
    {
        var present = Present(http);
        return present.Count switch
        {
            0 => ApiKey, // answers NoResult: the request is anonymous
            1 => present[0],
            _ => AllPresent,
        };
    }
}
