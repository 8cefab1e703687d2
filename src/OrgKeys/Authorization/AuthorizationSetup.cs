using Microsoft.AspNetCore.Authorization;

namespace OrgKeys.Authorization;

internal static class AuthorizationSetup
{
    public static IServiceCollection AddOrgKeysAuthorization(this IServiceCollection services)
    {
        services.AddAuthorization(Policies.Add);
        // All singletons: the framework then resolves the handler list once, not on every authorized request.
        services.AddSingleton<IAuthorizationHandler, OrganizationRoleHandler>();
        services.AddSingleton<IAuthorizationHandler, WhiteLabelAdminHandler>();
        services.AddSingleton<IAuthorizationHandler, UserRequirementHandler>();
        services.AddSingleton<IAuthorizationHandler, DurableCredentialHandler>();
        services.AddSingleton<IAuthorizationHandler, OAuth.OAuthScopeHandler>();
        // After the two above: it builds on the organization and white label they resolve.
        services.AddSingleton<IAuthorizationHandler, InnerOrganizationHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        return services;
    }
}
