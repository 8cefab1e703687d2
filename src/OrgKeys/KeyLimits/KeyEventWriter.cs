using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>What a request queues for a <see cref="KeyEventWriter{TNotice}"/>: the key it is about.</summary>
public interface IKeyNotice
{
    int KeyId { get; }
}

/// <summary>
/// Raises a key's event (audited, so the webhook outbox carries it) once per claim, cluster-wide, off
/// the request's path: the request only queues a notice, and this writer claims it with a conditional
/// update of the key's row before it writes the audit entry, in one transaction, so two nodes never
/// both raise it. A full queue drops the notice: the next one raises it.
/// </summary>
public abstract class KeyEventWriter<TNotice>(string action, IServiceScopeFactory scopes, ILogger logger) : BackgroundService
    where TNotice : IKeyNotice
{
    private readonly Channel<TNotice> _queue =
        Channel.CreateBounded<TNotice>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>From the request's path: no database work.</summary>
    protected void Queue(TNotice notice) => _queue.Writer.TryWrite(notice);

    /// <summary>The conditional update that claims the event for this writer: 1 when claimed, 0 when raised already or moot.</summary>
    protected abstract Task<int> ClaimAsync(OrgKeysDbContext db, TNotice notice, CancellationToken cancellationToken);

    protected abstract void Audit(AuditLog audit, TNotice notice);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RaiseAsync(notice, stoppingToken);
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Could not raise {Action} for API key {ApiKeyId}", action, notice.KeyId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a notice not raised now is queued again at the key's next crossing.
        }
    }

    private async Task RaiseAsync(TNotice notice, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await ClaimAsync(db, notice, cancellationToken) == 1)
        {
            Audit(scope.ServiceProvider.GetRequiredService<AuditLog>(), notice);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
