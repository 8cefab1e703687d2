using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;

namespace OrgKeys.ApiKeys;

public sealed record KeyUsage(DateTime Date, string? IpAddress);

/// <summary>
/// <c>lastUsed</c> without a database write per request: the latest use of each key is kept in
/// memory and written behind in batches. A batch that holds the first use of a rolled key's
/// successor starts the old key's grace (<c>graceFromFirstUse</c>), late by at most one flush interval.
/// </summary>
public sealed class ApiKeyUsageTracker(AuthCache cache)
{
    private readonly Lock _swap = new();
    private volatile ConcurrentDictionary<int, KeyUsage> _pending = new();

    // The batch the last flush took. It stays listed until the next flush: a listing that read the
    // database before that batch was committed still shows its uses, where it would otherwise show
    // "never used" for as long as the write takes (the console's key list did, under load).
    private volatile ConcurrentDictionary<int, KeyUsage> _taken = new();

    /// <summary>
    /// Keeps the latest use to the second: a key used by many connections at once would otherwise
    /// have every request contend for the same entry's lock (and format its IP address).
    /// </summary>
    public void Record(int apiKeyId, DateTime at, System.Net.IPAddress? ipAddress)
    {
        var pending = _pending;
        if (pending.TryGetValue(apiKeyId, out var last) && at - last.Date < TimeSpan.FromSeconds(1) && at >= last.Date)
        {
            return;
        }

        pending[apiKeyId] = new KeyUsage(at, ipAddress?.ToString());
    }

    /// <summary>
    /// The latest use of a key: the one <paramref name="storedAt"/> the database holds, or a later one
    /// not yet written (or being written), so listings are current between and during flushes.
    /// </summary>
    public KeyUsage? Latest(int apiKeyId, DateTime? storedAt, string? storedIp)
    {
        // _pending first: a flush publishes the batch as _taken before it replaces _pending, so a use
        // is in one of the two whichever moment they are read at.
        var pending = _pending.GetValueOrDefault(apiKeyId);
        var inMemory = Later(pending, _taken.GetValueOrDefault(apiKeyId));
        return Later(inMemory, storedAt is { } at ? new KeyUsage(at, storedIp) : null);
    }

    private static KeyUsage? Later(KeyUsage? a, KeyUsage? b) => a is null || (b is not null && b.Date > a.Date) ? b : a;

    public async Task<int> FlushAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        ConcurrentDictionary<int, KeyUsage> batch;
        lock (_swap)
        {
            batch = _pending;
            _taken = batch;
            _pending = new ConcurrentDictionary<int, KeyUsage>();
        }

        if (batch.IsEmpty)
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (id, use) in batch)
        {
            await db.ApiKeys.Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt < use.Date))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, use.Date).SetProperty(k => k.LastUsedIp, use.IpAddress), cancellationToken);
        }

        var started = await StartGracesAsync(db, batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishManyAsync([.. started.Select(AuthChange.ApiKey)], db);
        return batch.Count;
    }

    /// <summary>Old keys whose successor was used in <paramref name="batch"/>: their grace starts at that use. Returns the keys whose expiry changed.</summary>
    private static async Task<List<int>> StartGracesAsync(OrgKeysDbContext db, ConcurrentDictionary<int, KeyUsage> batch, CancellationToken cancellationToken)
    {
        // The keys waiting for their successor's first use are few; the keys used in a batch can be tens of
        // thousands, more than a statement may bind (SQLite: 32,766 parameters). So the waiting keys are read
        // and matched here, never the batch sent as a list.
        var waiting = (await db.ApiKeys.Where(k => k.PendingGraceSeconds != null && k.RolledToId != null).ToListAsync(cancellationToken))
            .FindAll(k => batch.ContainsKey(k.RolledToId!.Value));
        if (waiting.Count == 0)
        {
            return [];
        }

        foreach (var old in waiting)
        {
            var ends = batch[old.RolledToId!.Value].Date.AddSeconds(old.PendingGraceSeconds!.Value);
            old.ExpiresAt = old.ExpiresAt is { } expires && expires < ends ? expires : ends;
            old.PendingGraceSeconds = null;
        }

        await db.SaveChangesAsync(cancellationToken);
        var changed = waiting.ConvertAll(k => k.Id);
        foreach (var old in waiting)
        {
            changed.AddRange(await ApiKeyChains.ClampDescendantsAsync(db, old.Id, old.ExpiresAt!.Value, cancellationToken));
        }

        return changed;
    }
}

internal sealed class ApiKeyUsageWriter(ApiKeyUsageTracker tracker, IDbContextFactory<OrgKeysDbContext> contexts, ILogger<ApiKeyUsageWriter> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the last batch.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await tracker.FlushAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Usage dates are best effort; losing one batch must not take the service down.
            logger.LogWarning(e, "Could not write API key usage");
        }
    }
}
