using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authentication;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;
using OrgKeys.Throttling;

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
        routes.MapPost("/v1/api-logout", Logout).WithName("logout").WithTags("Login").WithSummary("Log out")
            .WithDescription("Ends every session (JWT) of the signed-in user at once. OrgKeys extension.")
            .RequireAuthorization(Policies.User);
        return routes;
    }

    /// <summary>
    /// Password sign-in. Unknown user and wrong password get the same status, message and cost; the
    /// throttle answers 429 before the password is even checked, for real and unknown accounts alike.
    /// </summary>
    public static async Task<Results<Ok<LoginResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> Login(
        LoginRequest request, UserService users, SessionTokens tokens, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Username) || request.Username.Length > 254)
        {
            return ApiResults.BadRequest("'username' is required.");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > UserService.MaxPasswordLength)
        {
            return ApiResults.BadRequest("'password' is required.");
        }

        var account = await throttle.AccountAsync(request.Username, cancellationToken);
        var verdict = await throttle.CheckAsync(account, cancellationToken);
        if (verdict.AccountWait is { } wait)
        {
            return throttle.TooManyAttempts(wait);
        }

        var user = await users.CheckPasswordAsync(request.Username, request.Password, cancellationToken);
        if (user is null)
        {
            await throttle.FailedAsync(account, cancellationToken);
            return verdict.AddressWait is { } addressWait ? throttle.TooManyAttempts(addressWait) : ApiResults.Unauthorized(LoginFailed);
        }

        await throttle.SucceededAsync(account, cancellationToken);
        return TypedResults.Ok(new LoginResponse(tokens.Issue(user.Id, user.SessionVersion)));
    }

    /// <summary>Ends every session of the signed-in user at once (all their JWTs), and clears the cookie.</summary>
    public static async Task<Ok<ApiOk>> Logout(CurrentUser user, UserService users, HttpContext http, CancellationToken cancellationToken)
    {
        await users.EndSessionsAsync(user.Id, cancellationToken);
        http.Response.Cookies.Delete(AuthSchemes.JwtCookieName);
        return ApiResults.Ok();
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
