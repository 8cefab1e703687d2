using OrgKeys.Throttling;

namespace OrgKeys.SecretScanning;

internal static class SecretScanningServices
{
    public static IServiceCollection AddSecretScanning(this IServiceCollection services)
    {
        services.AddOptions<SecretScanningOptions>().BindConfiguration(SecretScanningOptions.Section)
            .Validate(o => o.IsValid(),
                $"{SecretScanningOptions.Section}:GitHub:KeysUrl must be an https URL or an absolute file path, and DisclosuresPerMinute from 1 to 10000.")
            .ValidateOnStart();
        services.AddSingleton<GitHubPublicKeys>();
        services.AddSingleton<DisclosureThrottle>();
        services.AddScoped<KeyExposures>();
        // The key document decides whose reports revoke keys: https only, no redirect followed, small and quick.
        services.AddHttpClient(GitHubPublicKeys.HttpClientName, c =>
            {
                c.Timeout = TimeSpan.FromSeconds(10);
                c.MaxResponseContentBufferSize = 1024 * 1024;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("OrgKeys-secret-scanning");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
