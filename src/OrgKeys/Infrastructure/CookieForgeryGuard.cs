using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;
using OrgKeys.Authentication;

namespace OrgKeys.Infrastructure;

/// <summary>
/// A request that changes state and is signed in only by the <c>jwt</c> cookie must send a JSON
/// body (<c>Content-Type: application/json</c>) or a valid antiforgery token.
/// </summary>
/// <remarks>
/// A browser attaches the cookie to a cross-site form post, but a form can only send
/// <c>application/x-www-form-urlencoded</c>, <c>multipart/form-data</c> or <c>text/plain</c>;
/// JSON from another site needs a CORS preflight, which this service never grants. Requests with
/// a header credential (<c>x-api-key</c>, <c>x-jwt-token</c>, Bearer) cannot be forged that way
/// and are not affected. <c>api-logout</c> has no body, so it too must say it is JSON.
/// </remarks>
public static class CookieForgeryGuard
{
    public const string Refusal = "Send the body as application/json: a change signed in by the jwt cookie needs it (or an antiforgery token).";

    public static IApplicationBuilder UseCookieForgeryGuard(this IApplicationBuilder app)
    {
        var body = ApiResults.Serialize(app.ApplicationServices, Refusal);
        return app.Use(async (http, next) =>
        {
            // Pages (outside /v1) check their own antiforgery token after authentication, which the
            // token is bound to, and answer 400 with the HTML error page.
            if (ApiRoutes.IsApi(http) && !AuthenticatesTheClient(http.Request) && NeedsProof(http.Request) && !IsJson(http.Request) && !await HasAntiforgeryTokenAsync(http))
            {
                await ApiResults.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, body);
                return;
            }

            await next(http);
        });
    }

    /// <summary>
    /// The token, introspection and revocation endpoints authenticate the client from the form and never
    /// read the cookie, so a cookie the browser happens to send proves nothing and is not asked to.
    /// </summary>
    private static bool AuthenticatesTheClient(HttpRequest request) =>
        request.Path.Equals("/v1/oauth/token", StringComparison.Ordinal)
        || request.Path.Equals("/v1/oauth/introspect", StringComparison.Ordinal)
        || request.Path.Equals("/v1/oauth/revoke", StringComparison.Ordinal);

    private static bool NeedsProof(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
        && !HttpMethods.IsTrace(request.Method)
        && AuthSchemes.HasJwtCookie(request)
        && !request.Headers.ContainsKey(AuthSchemes.ApiKeyHeader)
        && !request.Headers.ContainsKey(AuthSchemes.JwtHeaderName)
        && !(request.Headers.Authorization is [{ } authorization] && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));

    private static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reading the token reads the form: a malformed or oversized one carries no token (415, never a 500).</summary>
    private static async Task<bool> HasAntiforgeryTokenAsync(HttpContext http)
    {
        if (http.RequestServices.GetService<IAntiforgery>() is not { } antiforgery)
        {
            return false;
        }

        try
        {
            return await antiforgery.IsRequestValidAsync(http);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException)
        {
            return false;
        }
    }
}
