namespace OrgKeys.OAuth;

/// <summary>
/// The OAuth endpoints OpenIddict hands back to us (passthrough). Introspection, revocation, JWKS and
/// discovery are answered by OpenIddict itself.
/// </summary>
public static class OAuthEndpoints
{
    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/oauth").AllowAnonymous().ExcludeFromDescription();
        group.MapMethods("/authorize", ["GET", "POST"], AuthorizeEndpoint.Authorize);
        group.MapPost("/token", TokenEndpoint.Exchange);
        group.MapMethods("/userinfo", ["GET", "POST"], UserInfoEndpoint.UserInfo);
        group.MapMethods("/logout", ["GET", "POST"], LogoutEndpoint.Logout);
        routes.MapOAuthClients();
        return routes;
    }
}
