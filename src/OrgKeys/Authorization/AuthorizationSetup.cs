using Microsoft.AspNetCore.Authorization;

namespace OrgKeys.Authorization;

internal static class AuthorizationSetup
{
    public static IServiceCollection AddOrgKeysAuthorization(this IServiceCollection services)
    {
        services.AddAuthorization(Policies.Add);
        services.AddScoped<IAuthorizationHandler, OrganizationRoleHandler>();
        services.AddSingleton<IAuthorizationHandler, WhiteLabelAdminHandler>();
        services.AddSingleton<IAuthorizationHandler, UserRequirementHandler>();
        services.AddSingleton<IAuthorizationHandler, OAuth.OAuthScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        return services;
    }
}
