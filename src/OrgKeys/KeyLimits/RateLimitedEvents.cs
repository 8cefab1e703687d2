using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>
/// Raises <c>apikey.rate_limited</c> (audited, so the webhook outbox carries it) at most once a minute
/// per key, cluster-wide, off the request's path: a refusal only drops the key in a queue (each node
/// drops a key at most once a minute), and a writer claims the minute with a conditional update of
/// the key's marker before it writes the audit entry, so two nodes never both raise it.
/// </summary>
public sealed class RateLimitedEvents(IServiceScopeFactory scopes, TimeProvider time, ILogger<RateLimitedEvents> logger) : BackgroundService
{
    public const string Action = "apikey.rate_limited";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Channel<(int KeyId, int OrganizationId, string Limit)> _queue =
        Channel.CreateBounded<(int, int, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ConcurrentDictionary<int, long> _queuedAtMs = new();

    /// <summary>From the request's path: costs a dictionary read when the key was queued in the last minute.</summary>
    public void Refused(int keyId, int organizationId, string limit)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_queuedAtMs.TryGetValue(keyId, out var queued) && nowMs - queued < Interval.TotalMilliseconds)
        {
            return;
        }

        _queuedAtMs[keyId] = nowMs;
        _queue.Writer.TryWrite((keyId, organizationId, limit));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (keyId, organizationId, limit) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RaiseAsync(keyId, organizationId, limit, stoppingToken);
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Could not raise apikey.rate_limited for API key {ApiKeyId}", keyId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a notice not raised now is raised at the key's next refusal.
        }
    }

    private async Task RaiseAsync(int keyId, int organizationId, string limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - Interval;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.ApiKeys.Where(k => k.Id == keyId && (k.RateLimitedNoticeAt == null || k.RateLimitedNoticeAt <= since))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RateLimitedNoticeAt, now), cancellationToken);
        if (claimed == 1)
        {
            scope.ServiceProvider.GetRequiredService<AuditLog>().Add(Action, organizationId, Actor.Service("rate limiter"), apiKeyId: keyId, detail: limit);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
