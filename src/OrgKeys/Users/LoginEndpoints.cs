using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Auth;
using OrgKeys.Infrastructure;

namespace OrgKeys.Users;

/// <summary><c>/v1/api-login</c> and <c>/v1/api-user-create</c>: the only endpoints without a credential.</summary>
public static class LoginEndpoints
{
    private const string LoginFailed = "Invalid username, e-mail or password.";

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").AllowAnonymous();
        group.MapPost("/api-login", Login).WithName("login").WithTags("Login").WithSummary("Get JWT token");
        group.MapPost("/api-user-create", CreateUser).WithName("createUser").WithTags("User").WithSummary("Create user");
        return routes;
    }

    public static async Task<Results<Ok<LoginResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> Login(
        LoginRequest request, UserService users, SessionTokens tokens, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Username) || request.Username.Length > 254)
        {
            return ApiResults.BadRequest("'username' is required.");
        }

        if (ClientText.HasNul(request.Username))
        {
            return ApiResults.BadRequest("'username' must not contain the NUL character.");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > UserService.MaxPasswordLength)
        {
            return ApiResults.BadRequest("'password' is required.");
        }

        var user = await users.CheckPasswordAsync(request.Username, request.Password, cancellationToken);
        return user is null
            ? ApiResults.Unauthorized(LoginFailed)
            : TypedResults.Ok(new LoginResponse(tokens.Issue(user.Id, user.SessionVersion)));
    }

    /// <summary>Self sign-up, off unless <c>OrgKeys:Signup:Enabled</c> is true.</summary>
    public static async Task<Results<Ok<CreateUserResponse>, JsonHttpResult<ApiError>>> CreateUser(
        CreateUserRequest request, UserService users, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("OrgKeys:Signup:Enabled", false))
        {
            return ApiResults.Forbidden("Sign-up is disabled on this server; ask an operator for an account.");
        }

        if (request.PrivacyPolicy is not true)
        {
            return ApiResults.Status(StatusCodes.Status400BadRequest, "'privacyPolicy' must be accepted.");
        }

        var result = await users.CreateAsync(request.Username, request.Email, request.Name, request.Password, cancellationToken);
        return result.Error is null
            ? TypedResults.Ok(new CreateUserResponse(result.Id))
            : ApiResults.Status(result.StatusCode, result.Error);
    }
}
