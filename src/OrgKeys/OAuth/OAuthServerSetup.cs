using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

internal static class OAuthServerSetup
{
    public static IServiceCollection AddOrgKeysOAuth(this IServiceCollection services)
    {
        services.AddOptions<OAuthOptions>()
            .Configure<IConfiguration>((o, configuration) =>
            {
                configuration.GetSection("OrgKeys:OAuth").Bind(o);
                o.Issuer = configuration.GetValue<Uri?>("OrgKeys:Issuer");
            })
            .Validate(o => OAuthOptions.Validate(o) is null, "OrgKeys:Issuer must be an absolute http(s) URL; OrgKeys:OAuth lifetimes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<OAuthKeyRing>();
        services.AddSingleton<OAuthTokenWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<OAuthTokenWriter>());
        services.AddScoped<OAuthClientService>();
        services.AddScoped<OAuthConsents>();
        services.AddHostedService<OAuthStartup>();
        services.CapOpenIddictLogging();
        services.AddSingleton<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider, OAuthAwareSchemeProvider>();

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<OrgKeysDbContext>()
                .ReplaceDefaultEntities<OAuthApplication, OAuthAuthorization, OAuthScope, OAuthToken, int>())
            .AddCore(o => o.ReplaceTokenStore<OAuthToken, OAuthTokenStore>().ReplaceAuthorizationStore<OAuthAuthorization, OAuthAuthorizationStore>()
                .ReplaceApplicationStore<OAuthApplication, OAuthApplicationStore>().ReplaceApplicationManager<OAuthApplication, OAuthApplicationManager>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("v1/oauth/authorize")
                    .SetTokenEndpointUris("v1/oauth/token")
                    .SetUserInfoEndpointUris("v1/oauth/userinfo")
                    .SetIntrospectionEndpointUris("v1/oauth/introspect")
                    .SetRevocationEndpointUris("v1/oauth/revoke")
                    .SetEndSessionEndpointUris("v1/oauth/logout")
                    .SetJsonWebKeySetEndpointUris("v1/oauth/jwks")
                    .SetConfigurationEndpointUris(".well-known/openid-configuration");
                o.AllowAuthorizationCodeFlow().AllowImplicitFlow().AllowPasswordFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.All);
                // A redeemed refresh token presented again is a replay at once: no grace period.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                // S256 only: "plain" PKCE protects nothing against an intercepted request.
                o.Configure(s => s.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
                // GHSA-cxgj-hwwh-855g (OpenIddict < 7.9): authorization entry validation checks nothing unless
                // token entry validation is on too, and UseLocalServer() resets the latter: both, after it.
                o.EnableAuthorizationEntryValidation();
                o.EnableTokenEntryValidation();
            });

        services.AddOptions<OpenIddictServerOptions>().Configure<OAuthKeyRing, IOptions<OAuthOptions>>((server, ring, options) =>
        {
            server.Issuer = options.Value.Issuer;
            server.AccessTokenLifetime = options.Value.AccessTokenLifetime;
            server.RefreshTokenLifetime = options.Value.RefreshTokenLifetime;
            foreach (var certificate in ring.Signing)
            {
                server.SigningCredentials.Add(new SigningCredentials(new X509SecurityKey(certificate), SecurityAlgorithms.RsaSha256));
            }

            foreach (var certificate in ring.Encryption)
            {
                server.EncryptionCredentials.Add(new EncryptingCredentials(new X509SecurityKey(certificate),
                    SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            }
        });
        services.AddOptions<OpenIddictServerAspNetCoreOptions>().Configure<IOptions<OAuthOptions>>((aspNet, options) =>
            aspNet.DisableTransportSecurityRequirement = !options.Value.RequireHttps);
        // An access token travels only in the Authorization header, never in a URL or a form.
        services.AddOptions<OpenIddictValidationAspNetCoreOptions>().Configure(o =>
        {
            o.DisableAccessTokenExtractionFromQueryString = true;
            o.DisableAccessTokenExtractionFromBodyForm = true;
        });
        return services;
    }

    /// <summary>
    /// Refuses to start when the resolved validation options would let a revoked token through
    /// (GHSA-cxgj-hwwh-855g): both entry validations must be on. Unnecessary from OpenIddict 7.9.
    /// </summary>
    public static void EnsureRevocationIsChecked(OpenIddictValidationOptions options)
    {
        if (!options.EnableAuthorizationEntryValidation || !options.EnableTokenEntryValidation)
        {
            throw new InvalidOperationException(
                "OpenIddict validation must check both the token and the authorization entry (GHSA-cxgj-hwwh-855g): " +
                $"EnableTokenEntryValidation={options.EnableTokenEntryValidation}, EnableAuthorizationEntryValidation={options.EnableAuthorizationEntryValidation}.");
        }
    }
}
