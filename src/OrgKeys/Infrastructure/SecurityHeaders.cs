namespace OrgKeys.Infrastructure;

internal static class SecurityHeaders
{
    /// <summary>Pages load nothing from elsewhere, run no inline script, and post forms only to us.</summary>
    public const string PagePolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    /// <summary>
    /// API answers carry tokens, keys and personal data: no cache may keep them. No page of ours may
    /// be framed, and no response is sniffed into another type. Set as the response starts, so the
    /// error handler's reset of the response cannot drop them. Outside <see cref="ApiRoutes.Prefix"/>
    /// (the web console) the content security policy is stricter; under it, it stays as it was.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(ApiRoutes.IsApi(http) ? s_api : s_page, http.Response);
            return next(http);
        });

    private const string ApiPolicy = "frame-ancestors 'none'";

    private static readonly Func<object, Task> s_api = state => Set((HttpResponse)state, ApiPolicy);
    private static readonly Func<object, Task> s_page = state =>
    {
        var response = (HttpResponse)state;
        return Set(response, response.HttpContext.Items[FormRedirectKey] is string origin
            ? PagePolicy.Replace("form-action 'self'", "form-action 'self' " + origin, StringComparison.Ordinal)
            : PagePolicy);
    };

    private const string FormRedirectKey = "orgkeys:form-redirect-origin";

    /// <summary>
    /// Chromium applies <c>form-action</c> to every redirect that follows a form post, so a page whose form
    /// ends, through <c>/v1/oauth/authorize</c>, at an OAuth client's registered redirect URI (sign-in,
    /// consent) names that one origin; the caller has checked the URI is registered for the client.
    /// </summary>
    public static void AllowFormRedirect(HttpContext http, Uri registeredRedirectUri) =>
        http.Items[FormRedirectKey] = registeredRedirectUri.GetLeftPart(UriPartial.Authority);

    /// <summary>For an API answer written where this middleware does not run (an endpoint short-circuited at routing).</summary>
    public static void SetApi(HttpResponse response) => Set(response, ApiPolicy);

    private static Task Set(HttpResponse response, string policy)
    {
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = policy;
        headers["Referrer-Policy"] = "no-referrer";
        return Task.CompletedTask;
    }
}
