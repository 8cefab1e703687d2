using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Webhooks;

/// <summary>
/// The delivery worker, on every node: fans new events out into deliveries, then claims the due
/// deliveries and sends them. Claims take rows with <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so
/// two nodes never take the same one; SQLite has one process and writes one at a time. A claim is a
/// lease: a node that dies mid-send leaves the delivery due again once the lease ends.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, WebhookSender sender, IOptions<WebhookOptions> options,
    TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DeliveryEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Webhook delivery round failed; the next round tries again.");
            }

            if (sent == 0)
            {
                // Real time, not the TimeProvider: how often to look is not part of what is scheduled.
                await Task.Delay(options.Value.PollIntervalMs, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One round: every new event fanned out, then one batch of due deliveries sent. Returns how many were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        while (await FanOutAsync(cancellationToken) == BatchSize)
        {
        }

        var claimed = await ClaimAsync(cancellationToken);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency, CancellationToken = cancellationToken },
            async (delivery, token) => await DeliverAsync(delivery, token));
        return claimed.Count;
    }

    private async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        var webhooks = scope.ServiceProvider.GetRequiredService<WebhookService>();
        // A plain read first: an idle node takes no lock and opens no transaction.
        if (!await db.WebhookEvents.AnyAsync(e => e.DispatchedAt == null, cancellationToken))
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var events = db.Provider() == DatabaseProvider.Postgres
            ? await db.WebhookEvents.FromSql($"""SELECT * FROM "WebhookEvents" WHERE "DispatchedAt" IS NULL ORDER BY "Id" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED""")
                .ToListAsync(cancellationToken)
            : await db.WebhookEvents.Where(e => e.DispatchedAt == null).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
        if (events.Count == 0)
        {
            return 0;
        }

        var entryIds = events.Where(e => e.AuditEntryId is not null).Select(e => e.AuditEntryId!.Value).ToList();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => entryIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var organizationIds = events.Select(e => e.OrganizationId).Distinct().ToList();
        var subscribers = await db.Webhooks.AsNoTracking().Where(w => organizationIds.Contains(w.OrganizationId))
            .Select(w => new { w.Id, w.OrganizationId, w.Events, w.AfterEventId }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var e in events)
        {
            var targets = subscribers.Where(w => w.OrganizationId == e.OrganizationId && w.AfterEventId < e.Id && w.Events.Split(' ').Contains(e.Type, StringComparer.Ordinal)).ToList();
            var entry = e.AuditEntryId is { } entryId ? entries.GetValueOrDefault(entryId) : null;
            if (targets.Count == 0 || entry is null)
            {
                // Nobody listens: the event is not kept.
                db.WebhookEvents.Remove(e);
                continue;
            }

            e.Payload = WebhookPayloads.FromAuditEntry(e, entry);
            e.DispatchedAt = now;
            db.WebhookDeliveries.AddRange(targets.Select(w => webhooks.NewDelivery(e.OrganizationId, w.Id, e.Id)));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return events.Count;
    }

    private sealed record Claimed(long Id, int Attempt, DateTime Created, long EventId, string Url, byte[] Secret, string Payload);

    private async Task<List<Claimed>> ClaimAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        var webhooks = scope.ServiceProvider.GetRequiredService<WebhookService>();
        var now = time.GetUtcNow().UtcDateTime;
        var batch = options.Value.MaxConcurrency * 2;
        if (!await db.WebhookDeliveries.AnyAsync(d => d.State == WebhookDeliveryState.Pending && d.NextAttemptAt <= now, cancellationToken))
        {
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = db.Provider() == DatabaseProvider.Postgres
            ? await db.WebhookDeliveries.FromSql(
                $"""SELECT * FROM "WebhookDeliveries" WHERE "State" = 'Pending' AND "NextAttemptAt" <= {now} ORDER BY "NextAttemptAt" LIMIT {batch} FOR UPDATE SKIP LOCKED""")
                .ToListAsync(cancellationToken)
            : await db.WebhookDeliveries.Where(d => d.State == WebhookDeliveryState.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).Take(batch).ToListAsync(cancellationToken);
        foreach (var d in due)
        {
            d.Attempt++;
            d.NextAttemptAt = now + Lease;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var eventIds = due.Select(d => d.EventId).Distinct().ToList();
        var payloads = await db.WebhookEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Payload!, cancellationToken);
        var webhookIds = due.Select(d => d.WebhookId).Distinct().ToList();
        var targets = await db.Webhooks.AsNoTracking().Where(w => webhookIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, cancellationToken);
        return [.. due.Where(d => targets.ContainsKey(d.WebhookId)).Select(d =>
            new Claimed(d.Id, d.Attempt, d.Created, d.EventId, targets[d.WebhookId].Url, webhooks.Unseal(targets[d.WebhookId].SealedSecret), payloads[d.EventId]))];
    }

    private async Task DeliverAsync(Claimed delivery, CancellationToken cancellationToken)
    {
        var result = await sender.SendAsync(delivery.Url, delivery.Secret, $"evt_{delivery.EventId}", delivery.Payload, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var next = now + Backoff(delivery.Attempt);
        var state = result.Delivered ? WebhookDeliveryState.Delivered
            : next > delivery.Created + options.Value.RetryFor ? WebhookDeliveryState.Failed
            : WebhookDeliveryState.Pending;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        // Only the attempt this node claimed is recorded: a lease that ran out and was claimed again belongs to the later attempt.
        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Attempt == delivery.Attempt).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, state)
            .SetProperty(d => d.NextAttemptAt, next)
            .SetProperty(d => d.LastAttemptAt, now)
            .SetProperty(d => d.LastStatusCode, result.StatusCode)
            .SetProperty(d => d.LastDurationMs, result.DurationMs)
            .SetProperty(d => d.LastError, result.Error), CancellationToken.None);
    }

    /// <summary>5 s, 20 s, 80 s, … four times longer each attempt, at most 6 h apart, for <see cref="WebhookOptions.RetryFor"/>.</summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(5 * Math.Pow(4, Math.Max(0, attempt - 1)), TimeSpan.FromHours(6).TotalSeconds));
}
