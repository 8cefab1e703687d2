using Microsoft.AspNetCore.Authorization;

namespace OrgKeys.OAuth;

/// <summary>
/// A Bearer token may do only what its scopes name (<see cref="Scopes.Required"/>); its identity's own
/// rights (the user's roles, the organization's admin rights) are checked by the other handlers.
/// </summary>
internal sealed class OAuthScopeHandler : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (context.User.AsOAuthToken() is not { } token || context.Resource is not HttpContext http)
        {
            return Task.CompletedTask;
        }

        // A group mapped with "" gives its prefix with a trailing slash.
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText?.TrimEnd('/');
        if (pattern == "/v1/auth/check")
        {
            // A check names the token's scopes (X-OrgKeys-Scopes); what they allow is the proxy's decision.
            return Task.CompletedTask;
        }

        var required = Scopes.Required(http.Request.Method, pattern);
        if (required is null || !token.GrantedScopes.Contains(required))
        {
            http.Response.Headers.WWWAuthenticate = required is null
                ? "Bearer error=\"insufficient_scope\""
                : $"Bearer error=\"insufficient_scope\", scope=\"{required}\"";
            context.Fail(new AuthorizationFailureReason(this, required is null
                ? "An OAuth access token cannot be used here."
                : $"This access token lacks the '{required}' scope."));
        }

        return Task.CompletedTask;
    }
}
