using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using OrgKeys.Infrastructure;
using OrgKeys.Throttling;

namespace OrgKeys.Authorization;

/// <summary>
/// Writes authorization failures in the contract's shape: 401 with why the credential was refused,
/// 404 where the caller may not learn that the resource exists, 403 otherwise.
/// </summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    /// <summary>The <c>WWW-Authenticate</c> of a 401: the credentials this server takes.</summary>
    public const string Challenge = "x-api-key, x-jwt-token";

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        if (authorizeResult.Challenged)
        {
            // The middleware keeps only successful results; handlers cache theirs, so this is free.
            var failure = (await context.AuthenticateAsync()).Failure;
            if (failure is not null)
            {
                // A credential was presented and refused: count it against the address.
                context.RequestServices.GetRequiredService<CredentialFloodGuard>().Refused(context.Connection.RemoteIpAddress);
            }

            context.Response.Headers.WWWAuthenticate = Challenge;
            await ApiResults.WriteAsync(context, StatusCodes.Status401Unauthorized,
                failure?.Message ?? "Authentication required: send an API key (x-api-key) or a JWT (x-jwt-token header or jwt cookie).");
            return;
        }

        var reasons = authorizeResult.AuthorizationFailure?.FailureReasons ?? [];
        var hidden = reasons.OfType<NotFoundReason>().FirstOrDefault();
        await (hidden is not null
            ? ApiResults.WriteAsync(context, StatusCodes.Status404NotFound, hidden.Message)
            : ApiResults.WriteAsync(context, StatusCodes.Status403Forbidden,
                reasons.FirstOrDefault()?.Message ?? "You are not allowed to do this."));
    }
}
