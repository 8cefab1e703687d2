using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.OAuth;

/// <summary>
/// Group commit for token entries, as <see cref="ApiKeys.ApiKeyBatchWriter"/> does for keys: concurrent
/// grants queue their entry and one writer inserts everything queued in one transaction, so a burst costs
/// one commit (one fsync on SQLite) and SQLite's writers never wait on each other's locks. A grant gets its
/// token only after the commit that holds its entry: every token handed out has its entry on disk.
/// </summary>
public sealed class OAuthTokenWriter(IDbContextFactory<OrgKeysDbContext> contexts, ILogger<OAuthTokenWriter> logger) : GroupCommitWriter<OAuthTokenWriter.Pending>
{
    private long _commits;

    /// <summary>How many transactions have committed entries (for tests: fewer than the entries under load).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Completes once the entry is committed (its <c>Id</c> set), or fails with the reason it could not be.</summary>
    public Task InsertAsync(OAuthToken token)
    {
        var pending = new Pending(token, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return Enqueue(pending) ? pending.Done.Task : Task.FromException(new InvalidOperationException("The service is stopping."));
    }

    protected override async Task WriteAsync(List<Pending> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await InsertAllAsync(batch);
            Interlocked.Increment(ref _commits);
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult();
            }
        }
        catch (DbUpdateException) when (batch.Count > 1)
        {
            // One bad entry (its client deleted meanwhile) fails the transaction: write them one by one to find it.
            foreach (var pending in batch)
            {
                pending.Token.Id = 0;
                await WriteAsync([pending]);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not insert {Count} OAuth token entries", batch.Count);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// The entries reference their client and authorization, tracked by each request's own context, by key only:
    /// this context must not take those entities over. The navigations are put back for the request afterwards.
    /// </summary>
    private async Task InsertAllAsync(List<Pending> batch)
    {
        var links = batch.Select(p => (p.Token.Application, p.Token.Authorization)).ToList();
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                var token = batch[i].Token;
                token.Application = null;
                token.Authorization = null;
                var entry = db.Add(token);
                entry.Property("ApplicationId").CurrentValue = links[i].Application?.Id;
                entry.Property("AuthorizationId").CurrentValue = links[i].Authorization?.Id;
            }

            await db.SaveChangesAsync();
        }
        finally
        {
            for (var i = 0; i < batch.Count; i++)
            {
                (batch[i].Token.Application, batch[i].Token.Authorization) = links[i];
            }
        }
    }

    public sealed record Pending(OAuthToken Token, TaskCompletionSource Done);
}
