using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Backup;
using OrgKeys.Console;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Health;
using OrgKeys.Infrastructure;
using OrgKeys.Members;
using OrgKeys.OAuth;
using OrgKeys.Organizations;
using OrgKeys.Secrets;
using OrgKeys.SecretScanning;
using OrgKeys.Throttling;
using OrgKeys.Users;
using OrgKeys.Webhooks;
using OrgKeys.WhiteLabels;

namespace OrgKeys;

internal static class OrgKeysServices
{
    public static WebApplicationBuilder AddOrgKeys(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOrgKeysStorage(builder.Configuration);
        services.AddSingleton<StartupTasks>();
        services.AddHostedService(provider => provider.GetRequiredService<StartupTasks>());
        services.AddDataProtection().PersistKeysToDbContext<OrgKeysDbContext>().SetApplicationName("OrgKeys");
        services.SealKeyRingWithServerSecret();
        services.AddOrgKeysAuth();
        services.AddOrgKeysOAuth();
        services.AddHostedService<SqliteChangeLog>();
        services.AddTransient<SqliteBackup>();
        services.AddTransient<SqliteRestore>();

        services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserService>();
        services.AddScoped<OrganizationService>();
        services.AddScoped<ActiveUsers>();
        services.AddScoped<MemberService>();
        services.AddScoped<InvitationService>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<ApiKeyListing>();
        services.AddScoped<ApiKeyLifecycle>();
        services.AddScoped<WhiteLabelService>();
        services.AddSecretScanning();
        services.AddWebhooks();
        services.AddHttpContextAccessor();
        services.AddTrustedProxies();
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditQueries>();
        services.AddScoped<LoginThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<PasswordChange>();
        services.AddOrgKeysConsole();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.LockoutAfter is >= 1 and <= 100, $"{LoginThrottleOptions.Section}:LockoutAfter must be from 1 to 100 (NIST SP 800-63B).")
            .ValidateOnStart();
        services.AddSingleton<CredentialFloodGuard>();
        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section)
            .Validate(o => o.IsValid(), $"{ThrottleOptions.Section}:FailedCredentialsPerWindow must be 0 or more and Window from 1 tick to an hour.")
            .ValidateOnStart();
        // Nothing to check but its binding: a setting that is not a boolean stops the start.
        services.AddOptions<SignupOptions>().BindConfiguration(SignupOptions.Section).ValidateOnStart();
        services.AddOptions<WhiteLabelOptions>().BindConfiguration(WhiteLabelOptions.Section)
            .Validate(o => o.MaxKeyTtlSeconds is >= 1 and <= NewApiKey.MaxTtlSeconds,
                $"{WhiteLabelOptions.Section}:MaxKeyTtlSeconds must be from 1 to {NewApiKey.MaxTtlSeconds}.")
            .ValidateOnStart();

        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            // Wrong types are a 400 that names the field, never silently coerced.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.MaxDepth = 16;
            o.SerializerOptions.TypeInfoResolver = (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).RefuseNul();
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Small requests only, and no patience for clients that send them slowly.
            k.Limits.MaxRequestBodySize = 64 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxRequestHeaderCount = 64;
            k.Limits.MaxRequestLineSize = 8 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
            // No "Server: Kestrel": nothing to tell a scanner, and a few bytes less on every answer.
            k.AddServerHeader = false;
        });
        services.AddOrgKeysOpenApi();
        services.AddOrgKeysReadiness();
        return builder;
    }
}
