using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;

namespace OrgKeys.OAuth;

/// <summary>
/// OpenIddict's server and validation handlers are authentication "request handlers", which ASP.NET Core
/// asks on every request whether they answer it. Only OAuth paths can be theirs, so they are taken off
/// that list and asked by <see cref="OAuthRequestHandling.UseOAuthServer"/> on those paths alone: an
/// API-key request does not rent them (the hot path, and the handler-count tests, stay as they were).
/// </summary>
internal sealed class OAuthAwareSchemeProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() =>
        (await base.GetRequestHandlerSchemesAsync()).Where(s => !OAuthRequestHandling.IsOpenIddict(s.Name)).ToList();
}

internal static class OAuthRequestHandling
{
    public static bool IsOpenIddict(string scheme) =>
        scheme is OpenIddictServerAspNetCoreDefaults.AuthenticationScheme or OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    private static bool IsOAuthPath(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/v1/oauth", StringComparison.Ordinal)
        || http.Request.Path.StartsWithSegments("/.well-known", StringComparison.Ordinal);

    /// <summary>Place before <c>UseAuthentication</c>: OpenIddict answers (or vets, for passthrough) its own endpoints.</summary>
    public static IApplicationBuilder UseOAuthServer(this IApplicationBuilder app) =>
        app.UseWhen(IsOAuthPath, branch => branch.Use(async (http, next) =>
        {
            var handlers = http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
            if (await handlers.GetHandlerAsync(http, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme) is IAuthenticationRequestHandler server
                && await server.HandleRequestAsync())
            {
                return;
            }

            await next(http);
        }));
}
