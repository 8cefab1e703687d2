using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Group commit for new keys. Each request queues its row; one writer inserts everything queued in
/// one transaction, so a burst costs one commit (one fsync on SQLite) instead of one each, and
/// SQLite's writers never wait on each other's locks. A request is answered only after the commit
/// that holds its key: every acknowledged key is durable. A key minted by a key is committed only
/// while that key's whole chain is live, checked in the same transaction (<see cref="ApiKeyChains"/>).
/// </summary>
public sealed class ApiKeyBatchWriter(
    IDbContextFactory<OrgKeysDbContext> contexts, AuthCache cache, TimeProvider time, ILogger<ApiKeyBatchWriter> logger)
    : GroupCommitWriter<ApiKeyBatchWriter.Pending>
{
    /// <summary>Stands for "the key that mints it was revoked meanwhile": nothing was stored.</summary>
    public const int ChainRevoked = -1;

    /// <summary>
    /// The new key's id once committed with its audit entry, null when its hash is already taken
    /// (a custom key raced), or <see cref="ChainRevoked"/>.
    /// </summary>
    public Task<int?> InsertAsync(ApiKey key, AuditEntry audit)
    {
        var pending = new Pending(key, audit, new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously));
        return Enqueue(pending)
            ? pending.Done.Task
            : Task.FromException<int?>(new InvalidOperationException("The service is stopping."));
    }

    protected override async Task WriteAsync(List<Pending> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var pending in batch)
            {
                db.ApiKeys.Add(pending.Key);
                AuditLog.Append(db, pending.Audit);
            }

            await db.SaveChangesAsync();
            if (await DeadChainsAsync(db, batch) is { Count: > 0 } dead)
            {
                await transaction.RollbackAsync();
                foreach (var pending in dead)
                {
                    pending.Done.TrySetResult(ChainRevoked);
                }

                await RetryAsync(batch.Except(dead).ToList());
                return;
            }

            await transaction.CommitAsync();
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
                await RetryAsync([pending]);
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

    /// <summary>Writes again, in a new context, what a rolled-back transaction held.</summary>
    private Task RetryAsync(List<Pending> batch)
    {
        foreach (var pending in batch)
        {
            pending.Key.Id = 0;
            pending.Audit.Id = 0;
            pending.Audit.ApiKeyId = null;
        }

        return WriteAsync(batch);
    }

    /// <summary>The keys whose minting key or one of its ancestors is no longer live, or whose creating user lost the role.</summary>
    private async Task<List<Pending>> DeadChainsAsync(OrgKeysDbContext db, List<Pending> batch)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var dead = new List<Pending>();
        foreach (var parent in batch.Where(p => p.Key.CreatedByApiKeyId is not null).GroupBy(p => p.Key.CreatedByApiKeyId!.Value))
        {
            if (!await ApiKeyChains.ChainIsLiveAsync(db, parent.Key, now, CancellationToken.None))
            {
                dead.AddRange(parent);
            }
        }

        // A user's own key (not a white label admin's, nor an organization's first): the user must still hold its role.
        foreach (var pending in batch.Where(p => p.Key is { CreatedByUserId: not null, CreatedByApiKeyId: null, WhiteLabelId: null }))
        {
            var key = pending.Key;
            if (!await ApiKeyChains.CreatorIsAllowedAsync(db, key.OrganizationId, key.CreatedByUserId!.Value, key.Role, CancellationToken.None))
            {
                dead.Add(pending);
            }
        }

        return dead;
    }

    public sealed record Pending(ApiKey Key, AuditEntry Audit, TaskCompletionSource<int?> Done);
}
