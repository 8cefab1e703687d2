using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace OrgKeys.Infrastructure;

/// <summary>
/// Turns what the framework throws on bad input (malformed JSON, wrong types, missing or oversized
/// bodies) into a 4xx with the contract's shape and a message that names the field. Anything else
/// is our fault: a 500 that reveals nothing.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public const string TooLarge = "The request body is larger than 64 KiB.";
    public const string NotJson = "Send the body as application/json.";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, message) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, Describe(bad)),
            _ when IsDatabaseUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "The database is unavailable; try again shortly."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error."),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database unavailable on {Method} {Path}: {Error}", http.Request.Method, http.Request.Path, exception.GetBaseException().Message);
            http.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        }

        await ApiResults.WriteAsync(http, status, message);
        return true;
    }

    /// <summary>
    /// The database cannot answer now (down, restarting, out of connections, busy), as opposed to a
    /// query we got wrong: the client may retry, so it is a 503, never a 500. Also when EF Core wraps it.
    /// </summary>
    internal static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = (Exception?)exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.PostgresException postgres:
                    // 08: connection; 53: insufficient resources; 57P: shutdown, crash, starting up.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);
                case Npgsql.NpgsqlException:
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                    return true;
                case Microsoft.Data.Sqlite.SqliteException sqlite:
                    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN
                    return sqlite.SqliteErrorCode is 5 or 6 or 10 or 14;
            }
        }

        return false;
    }

    private static string Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is NulCharacterException nul)
        {
            return nul.Message;
        }

        if (bad.InnerException is JsonException json)
        {
            var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            return field is null
                ? "The request body is not valid JSON."
                : $"Invalid value for '{field}': wrong type or malformed JSON.";
        }

        return bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => TooLarge,
            StatusCodes.Status415UnsupportedMediaType => NotJson,
            _ when bad.Message.Contains("was not provided from body", StringComparison.OrdinalIgnoreCase)
                || bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase) =>
                "A JSON request body is required.",
            _ when BoundParameter().Match(bad.Message) is { Success: true } parameter =>
                $"Invalid value for '{JsonNamingPolicy.CamelCase.ConvertName(parameter.Groups["name"].Value)}'.",
            _ => "The request is malformed.",
        };
    }

    /// <summary>Route and query binding failures name the parameter (never echo the value): <c>Failed to bind parameter "int? limit" from "abc".</c></summary>
    [GeneratedRegex(@"^Failed to bind parameter ""(?:[^""]* )?(?<name>\w+)"" from", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex BoundParameter();
}

internal static class ErrorHandlingExtensions
{
    /// <summary>
    /// Under <see cref="ApiRoutes.Prefix"/> only: exceptions and empty-bodied framework statuses
    /// (unknown route, wrong method) get the contract's shape. Pages at the site root keep theirs.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(ApiRoutes.IsApi, api => api.UseExceptionHandler().UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ApiResults.WriteAsync(context.HttpContext, 404, "Not found."),
            StatusCodes.Status405MethodNotAllowed => ApiResults.WriteAsync(context.HttpContext, 405, "Method not allowed."),
            StatusCodes.Status413PayloadTooLarge => ApiResults.WriteAsync(context.HttpContext, 413, ApiExceptionHandler.TooLarge),
            StatusCodes.Status415UnsupportedMediaType => ApiResults.WriteAsync(context.HttpContext, 415, ApiExceptionHandler.NotJson),
            var status => ApiResults.WriteAsync(context.HttpContext, status, "The request failed."),
        }));
}
