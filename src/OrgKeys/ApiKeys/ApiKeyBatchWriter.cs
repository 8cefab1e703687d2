using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Group commit for new keys. Each request queues its row; one writer inserts everything queued in
/// one transaction, so a burst costs one commit (one fsync on SQLite) instead of one each, and
/// SQLite's writers never wait on each other's locks. A request is answered only after the commit
/// that holds its key: every acknowledged key is durable.
/// </summary>
public sealed class ApiKeyBatchWriter(IDbContextFactory<OrgKeysDbContext> contexts, AuthCache cache, ILogger<ApiKeyBatchWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 256;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// The new key's id once committed with its audit entry, or null when its hash is already taken
    /// (a custom key raced).
    /// </summary>
    public Task<int?> InsertAsync(ApiKey key, AuditEntry audit)
    {
        var pending = new Pending(key, audit, new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending)
            ? pending.Done.Task
            : Task.FromException<int?>(new InvalidOperationException("The service is stopping."));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await WriteAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            foreach (var pending in batch)
            {
                db.ApiKeys.Add(pending.Key);
                AuditLog.Append(db, pending.Audit);
            }

            await db.SaveChangesAsync();
            // Before answering: no node may still call one of these keys unknown once its creator has it.
            await cache.PublishAsync(AuthChange.KeyCreated, db);
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(pending.Key.Id);
            }
        }
        catch (DbUpdateException) when (batch.Count > 1)
        {
            // One taken hash fails the whole transaction: write them one by one to find it.
            foreach (var pending in batch)
            {
                pending.Key.Id = 0;
                pending.Audit.Id = 0;
                pending.Audit.ApiKeyId = null;
                await WriteAsync([pending]);
            }
        }
        catch (DbUpdateException)
        {
            batch[0].Done.TrySetResult(null);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            logger.LogError(e, "Could not insert {Count} API keys", batch.Count);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    private sealed record Pending(ApiKey Key, AuditEntry Audit, TaskCompletionSource<int?> Done);
}
