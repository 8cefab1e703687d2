using Microsoft.AspNetCore.Authentication;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Authorization;
using OrgKeys.ForwardAuth;
using OrgKeys.KeyLimits;
using OrgKeys.Organizations;
using OrgKeys.Secrets;

namespace OrgKeys.Authentication;

internal static class AuthExtensions
{
    public static IServiceCollection AddOrgKeysAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthCacheOptions>().BindConfiguration(AuthCacheOptions.Section)
            .Validate(o => o.IsValid, $"{AuthCacheOptions.Section}:Capacity and :Lifetime must be positive.")
            .ValidateOnStart();
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section)
            .Validate(o => o.Lifetime > TimeSpan.Zero, $"{JwtOptions.Section}:Lifetime must be positive.")
            .ValidateOnStart();
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
        services.AddSingleton<OrganizationViewCache>();
        services.AddHostedService<AuthChangeListener>();
        services.AddScoped<AccessLookup>();
        services.AddSingleton<CredentialCarriers>();
        services.AddSingleton<CredentialRecorder>();

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, null, _ => { })
            .AddScheme<AuthenticationSchemeOptions, AllPresentCredentialsHandler>(AuthSchemes.AllPresent, null);
        services.AddOptions<PolicySchemeOptions>(AuthSchemes.Default)
            .Configure<CredentialCarriers>((o, carriers) => o.ForwardDefaultSelector = carriers.Select);

        // Precedence order: explicit headers before the ambient cookie.
        services.AddCredentialCarrier<ApiKeyCarrier>(AuthSchemes.ApiKey)
            .AddCredentialCarrier<JwtHeaderCarrier>(AuthSchemes.JwtHeader)
            .AddCredentialCarrier<JwtCookieCarrier>(AuthSchemes.JwtCookie)
            .AddCredentialCarrier<OAuth.OAuthBearerCarrier>(AuthSchemes.Bearer);

        return services.AddForwardAuth().AddKeyLimits().AddOrgKeysAuthorization();
    }
}
