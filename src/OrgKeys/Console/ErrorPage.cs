namespace OrgKeys.Console;

/// <summary>
/// The HTML error page outside <c>/v1</c>: written directly rather than re-executed, so it works for
/// any method and any failure, carries no antiforgery token, and never shows what went wrong inside.
/// </summary>
internal static class ErrorPage
{
    public static Task WriteAsync(HttpContext http, int status)
    {
        var (title, text) = status switch
        {
            StatusCodes.Status404NotFound => ("Page not found", "There is no page at this address. Check the address, or follow a link below."),
            StatusCodes.Status400BadRequest => ("The request could not be accepted",
                "The form may have expired or come from another site. Go back, reload the page and try again."),
            StatusCodes.Status405MethodNotAllowed => ("The request could not be accepted", "This page does not accept that kind of request."),
            >= 500 => ("Something went wrong", "The server could not complete the request. Try again in a moment."),
            _ => ("The request could not be accepted", "Go back and try again."),
        };
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{title} – OrgKeys</title>
                <link rel="stylesheet" href="{ConsoleSetup.StylesheetPath}">
            </head>
            <body>
                <a class="skip-link" href="#main">Skip to main content</a>
                <header class="site"><a class="brand" href="/">OrgKeys</a></header>
                <main id="main" tabindex="-1">
                    <h1>{title}</h1>
                    <p>{text}</p>
                    <p><a href="/">Go to your account</a> or <a href="/signin">sign in</a>.</p>
                </main>
            </body>
            </html>
            """);
    }
}
