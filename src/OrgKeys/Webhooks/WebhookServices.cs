namespace OrgKeys.Webhooks;

public static class WebhookServices
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.PollIntervalMs is >= 10 and <= 60_000 && o.MaxConcurrency is >= 1 and <= 64 && o.RetryFor > TimeSpan.Zero && o.Retention >= o.RetryFor,
                $"{WebhookOptions.Section}: PollIntervalMs must be from 10 to 60000, MaxConcurrency from 1 to 64, RetryFor positive, Retention at least RetryFor.")
            .ValidateOnStart();
        services.AddScoped<WebhookService>();
        services.AddSingleton<WebhookDestinations>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        services.AddScoped<KeyExpiryEvents>();
        services.AddScoped<WebhookRetention>();
        services.AddSingleton<WebhookSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookSweeper>());
        return services;
    }
}
