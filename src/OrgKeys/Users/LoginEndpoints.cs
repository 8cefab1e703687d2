using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrgKeys.Authentication;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;
using OrgKeys.Throttling;

namespace OrgKeys.Users;

/// <summary>What signing in needs.</summary>
public sealed record LoginServices(UserService Users, SessionTokens Tokens, LoginThrottle Throttle, PasswordSignIn SignIn);

/// <summary><c>/v1/api-login</c> and <c>/v1/api-user-create</c>: the only endpoints without a credential.</summary>
public static class LoginEndpoints
{
    /// <param name="v1">The <c>/v1</c> group.</param>
    public static RouteGroupBuilder MapLogin(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("").AllowAnonymous();
        group.MapPost("/api-login", Login).WithName("login").WithTags("Login").WithSummary("Get JWT token");
        group.MapPost("/api-user-create", CreateUser).WithName("createUser").WithTags("User").WithSummary("Create user");
        v1.MapPost("/api-logout", Logout).WithName("logout").WithTags("Login").WithSummary("Log out")
            .WithDescription("Ends every session (JWT) of the signed-in user at once. OrgKeys extension.")
            .RequireAuthorization(Policies.User);
        return v1;
    }

    /// <summary>
    /// Password sign-in. Unknown user and wrong password get the same status, message and cost; the
    /// throttle answers 429 before the password is even checked, for real and unknown accounts alike.
    /// </summary>
    public static async Task<Results<Ok<LoginResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> Login(
        LoginRequest request, [AsParameters] LoginServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Username) || request.Username.Length > 254)
        {
            return ApiResults.BadRequest("'username' is required.");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > UserService.MaxPasswordLength)
        {
            return ApiResults.BadRequest("'password' is required.");
        }

        var outcome = await services.SignIn.SignInAsync(request.Username, request.Password, cancellationToken);
        return outcome switch
        {
            { Wait: { } wait } => services.Throttle.TooManyAttempts(wait),
            { User: { } user } => TypedResults.Ok(new LoginResponse(services.Tokens.Issue(user.Id, user.SessionVersion))),
            _ => ApiResults.Unauthorized(PasswordSignIn.Failed),
        };
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
        CreateUserRequest request, UserService users, IOptions<SignupOptions> signup, CancellationToken cancellationToken)
    {
        if (!signup.Value.Enabled)
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
