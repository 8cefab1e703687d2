using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Webhooks;

/// <summary>
/// Deletes what <see cref="WebhookOptions.Retention"/> no longer keeps: deliveries that are done
/// (delivered or given up) and older than it, then dispatched events that no delivery refers to any
/// more. Pending deliveries and events not yet fanned out stay, whatever their age. Deleting twice
/// deletes nothing more, so every node may run it.
/// </summary>
public sealed class WebhookRetention(OrgKeysDbContext db)
{
    private const int BatchSize = 1000;

    public async Task<int> PruneAsync(DateTime before, CancellationToken cancellationToken)
    {
        var pruned = 0;
        int deleted;
        do
        {
            // In batches, so neither provider holds its write lock long.
            var ids = await db.WebhookDeliveries.Where(d => d.Created < before && d.State != WebhookDeliveryState.Pending)
                .OrderBy(d => d.Created).Take(BatchSize).Select(d => d.Id).ToListAsync(cancellationToken);
            deleted = ids.Count == 0 ? 0 : await db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken);
            pruned += deleted;
        }
        while (deleted == BatchSize);

        do
        {
            var ids = await db.WebhookEvents.Where(e => e.DispatchedAt != null && e.DispatchedAt < before
                    && !db.WebhookDeliveries.Any(d => d.EventId == e.Id))
                .OrderBy(e => e.DispatchedAt).Take(BatchSize).Select(e => e.Id).ToListAsync(cancellationToken);
            // A redelivery may have made a delivery for it meanwhile: checked again in the delete.
            deleted = ids.Count == 0 ? 0 : await db.WebhookEvents.Where(e => ids.Contains(e.Id) && !db.WebhookDeliveries.Any(d => d.EventId == e.Id))
                .ExecuteDeleteAsync(cancellationToken);
            pruned += deleted;
        }
        while (deleted == BatchSize);

        return pruned;
    }
}
