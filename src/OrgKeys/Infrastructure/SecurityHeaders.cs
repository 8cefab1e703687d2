namespace OrgKeys.Infrastructure;

internal static class SecurityHeaders
{
    /// <summary>
    /// API answers carry tokens, keys and personal data: no cache may keep them. No page of ours may
    /// be framed, and no response is sniffed into another type. Set as the response starts, so the
    /// error handler's reset of the response cannot drop them.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.CacheControl = "no-store";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            }, http.Response);
            return next(http);
        });
}
