using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace OrgKeys.Infrastructure;

/// <summary>The one place error results are made, so every error has the contract's shape.</summary>
public static class ApiResults
{
    public static BadRequest<ApiError> BadRequest(string error) => TypedResults.BadRequest(new ApiError(error));
    public static NotFound<ApiError> NotFound(string error) => TypedResults.NotFound(new ApiError(error));
    public static Conflict<ApiError> Conflict(string error) => TypedResults.Conflict(new ApiError(error));
    public static JsonHttpResult<ApiError> Forbidden(string error) => Status(StatusCodes.Status403Forbidden, error);
    public static JsonHttpResult<ApiError> Unauthorized(string error) => Status(StatusCodes.Status401Unauthorized, error);

    public static JsonHttpResult<ApiError> Status(int statusCode, string error) =>
        TypedResults.Json(new ApiError(error), statusCode: statusCode);

    public static Ok<ApiOk> Ok() => TypedResults.Ok(ApiOk.Instance);

    /// <summary>
    /// Writes an error from middleware (401, 403 and 404 of authorization, 429 of the flood guard): the
    /// answers a flood of bad credentials gets, so they go out in one write with their length rather
    /// than chunked, which costs the server and the client less per refusal.
    /// </summary>
    public static Task WriteAsync(HttpContext http, int statusCode, string error) =>
        WriteAsync(http, statusCode, Serialize(http.RequestServices, error));

    /// <summary>
    /// Writes an error body made once by <see cref="Serialize"/>: refusals sent over and over. Outside
    /// the API only the status is set, for the site's own error pages to answer.
    /// </summary>
    public static Task WriteAsync(HttpContext http, int statusCode, ReadOnlyMemory<byte> body)
    {
        var response = http.Response;
        response.StatusCode = statusCode;
        if (!ApiRoutes.IsApi(http))
        {
            return Task.CompletedTask;
        }

        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }

    /// <summary>The error's body, as the API's JSON options write it.</summary>
    public static byte[] Serialize(IServiceProvider services, string error) =>
        JsonSerializer.SerializeToUtf8Bytes(new ApiError(error), services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
}
