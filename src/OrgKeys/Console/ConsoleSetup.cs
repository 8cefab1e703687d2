using System.Reflection;
using OrgKeys.Infrastructure;

namespace OrgKeys.Console;

/// <summary>The web console: Razor Pages at the site root, their stylesheet, and their HTML error page.</summary>
internal static class ConsoleSetup
{
    public const string StylesheetPath = "/console.css";

    /// <summary>The copy buttons' script; CSP allows scripts from this site only, never inline.</summary>
    public const string ScriptPath = "/console.js";

    /// <summary>
    /// Set by a page that shows a secret once. no-cache as well as no-store: antiforgery, whose token is on every
    /// page, otherwise logs a warning that it overrode the header; the security headers send no-store in the end.
    /// </summary>
    public const string SecretCacheControl = "no-cache, no-store";

    public static IServiceCollection AddOrgKeysConsole(this IServiceCollection services)
    {
        // "My account" is the site's home page too: where sign-in lands.
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Console/Pages";
            o.Conventions.AddPageRoute("/Account", "");
        });
        services.AddMemoryCache();
        services.AddSingleton<Branding>();
        // The consent page, "Connected applications" and /v1/oauth/authorize share the consent rules.
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "orgkeys-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.HttpOnly = true;
        });
        return services;
    }

    /// <summary>Outside <see cref="ApiRoutes.Prefix"/>: errors and empty-bodied statuses render the error page, never a stack trace.</summary>
    public static IApplicationBuilder UseConsoleErrors(this IApplicationBuilder app) =>
        app.UseWhen(http => !ApiRoutes.IsApi(http), pages => pages
            .UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = http => ErrorPage.WriteAsync(http, StatusCodes.Status500InternalServerError) })
            .UseStatusCodePages(context => ErrorPage.WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode)));

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        var css = ReadResource("OrgKeys.Console.console.css");
        var script = ReadResource("OrgKeys.Console.console.js");
        routes.MapGet(StylesheetPath, () => Results.Text(css, "text/css; charset=utf-8")).ExcludeFromDescription();
        routes.MapGet(ScriptPath, () => Results.Text(script, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        routes.MapRazorPages();
        return routes;
    }

    /// <summary>Embedded in the assembly, so the single-file publish serves it with no files beside it.</summary>
    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
