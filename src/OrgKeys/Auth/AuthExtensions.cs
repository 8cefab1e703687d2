using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using OrgKeys.ApiKeys;
using OrgKeys.Auth.Caching;

namespace OrgKeys.Auth;

internal static class AuthExtensions
{
    public static IServiceCollection AddOrgKeysAuth(this IServiceCollection services)
    {
        services.AddSingleton<ServerSecret>();
        services.AddSingleton<ServerKeyStore>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<ApiKeyHasher>();
        services.AddSingleton<ApiKeyUsageTracker>();
        services.AddHostedService<ApiKeyUsageWriter>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<ApiKeyBatchWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyBatchWriter>());
        services.AddSingleton<AuthCache>();
        services.AddHostedService<AuthChangeListener>();
        services.AddScoped<AccessLookup>();

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, null, o => o.ForwardDefaultSelector = AuthSchemes.Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            .AddScheme<JwtAuthenticationOptions, JwtAuthenticationHandler>(AuthSchemes.JwtHeader, null, o => o.FromCookie = false)
            .AddScheme<JwtAuthenticationOptions, JwtAuthenticationHandler>(AuthSchemes.JwtCookie, null, o => o.FromCookie = true)
            .AddScheme<AuthenticationSchemeOptions, AllPresentCredentialsHandler>(AuthSchemes.AllPresent, null)
            .AddScheme<AuthenticationSchemeOptions, UnsupportedBearerHandler>(AuthSchemes.Bearer, null);

        services.AddAuthorization(Policies.Add);
        services.AddScoped<IAuthorizationHandler, OrganizationRoleHandler>();
        services.AddSingleton<IAuthorizationHandler, WhiteLabelAdminHandler>();
        services.AddSingleton<IAuthorizationHandler, UserRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        return services;
    }
}
