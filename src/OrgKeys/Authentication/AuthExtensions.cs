using Microsoft.AspNetCore.Authentication;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authorization;
using OrgKeys.Secrets;

namespace OrgKeys.Authentication;

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
            // OAuth access tokens (issue 15): OpenIddict validation, mapped to who the token acts as.
            .AddScheme<AuthenticationSchemeOptions, OAuth.OAuthBearerHandler>(AuthSchemes.Bearer, null);

        return services.AddOrgKeysAuthorization();
    }
}
