using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using OrgKeys.Authentication;
using OrgKeys.Infrastructure;

namespace OrgKeys.Authorization;

/// <summary>
/// Writes authorization failures in the contract's shape: 401 with why the credential was refused (<see cref="CredentialRecorder"/>),
/// 404 where the caller may not learn that the resource exists, 403 otherwise.
/// </summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
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
            await context.RequestServices.GetRequiredService<CredentialRecorder>().ChallengeAsync(context, failure);
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
