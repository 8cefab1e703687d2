using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Auth;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Throttling;
using OrgKeys.Users;
using OrgKeys.WhiteLabels;

namespace OrgKeys;

internal static class OrgKeysServices
{
    /// <summary>
    /// The executable started from another folder (a service manager, a test script) has a content
    /// root without our appsettings.json: read the copy shipped beside the executable instead, as the
    /// lowest-precedence source, so its defaults (log levels) hold and everything else overrides them.
    /// </summary>
    private static void AddShippedSettings(this WebApplicationBuilder builder)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")) && File.Exists(shipped))
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = "appsettings.json",
                Optional = true,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
            });
        }
    }

    public static WebApplicationBuilder AddOrgKeys(this WebApplicationBuilder builder)
    {
        builder.AddShippedSettings();
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOrgKeysStorage(builder.Configuration);
        services.AddHostedService<StartupTasks>();
        services.AddDataProtection().PersistKeysToDbContext<OrgKeysDbContext>().SetApplicationName("OrgKeys");
        services.SealKeyRingWithServerSecret();
        services.AddOrgKeysAuth();

        services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserService>();
        services.AddScoped<OrganizationService>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<WhiteLabelService>();
        services.AddHttpContextAccessor();
        services.AddScoped<AuditLog>();
        services.AddSingleton<LoginThrottle>();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.LockoutAfter is >= 1 and <= 100, $"{LoginThrottleOptions.Section}:LockoutAfter must be from 1 to 100 (NIST SP 800-63B).")
            .ValidateOnStart();
        services.AddSingleton<CredentialFloodGuard>();
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
        });
        services.AddOrgKeysOpenApi();
        return builder;
    }
}
