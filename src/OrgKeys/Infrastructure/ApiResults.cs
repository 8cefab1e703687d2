using Microsoft.AspNetCore.Http.HttpResults;

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

    public static Task WriteAsync(HttpContext http, int statusCode, string error)
    {
        http.Response.StatusCode = statusCode;
        return http.Response.WriteAsJsonAsync(new ApiError(error), http.RequestAborted);
    }
}
