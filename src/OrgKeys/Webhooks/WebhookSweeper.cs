using Microsoft.Extensions.Options;

namespace OrgKeys.Webhooks;

/// <summary>
/// Once a minute on every node that delivers: raises the key expiry events that fell due and prunes
/// deliveries and events past their retention. Both are cheap range reads on indexed columns when
/// there is nothing to do, and safe on several nodes at once (see <see cref="KeyExpiryEvents"/>).
/// </summary>
public sealed class WebhookSweeper(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DeliveryEnabled)
        {
            return;
        }

        // Real time, as the dispatcher's polling: how often to look is not part of what is scheduled.
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Webhook sweep failed; the next one tries again.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    /// <summary>One sweep: the expiry events raised and the rows pruned.</summary>
    public async Task<(int Raised, int Pruned)> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow().UtcDateTime;
        var raised = await scope.ServiceProvider.GetRequiredService<KeyExpiryEvents>().RaiseAsync(now, cancellationToken);
        var pruned = await scope.ServiceProvider.GetRequiredService<WebhookRetention>().PruneAsync(now - options.Value.Retention, cancellationToken);
        return (raised, pruned);
    }
}
