using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>A key's balance (labelled by its <c>CreditsRefilledAt</c>, <paramref name="Tag"/>) at or under 10% of its allotment.</summary>
internal readonly record struct CreditsLow(int KeyId, int OrganizationId, long Threshold, DateTime Tag, long Remaining)
{
    /// <summary>
    /// The notice a balance carries until raised: 10% (rounded down) of the refill amount, or without a
    /// refill of the balance last set. None for an allotment of 0, nor once raised for this balance.
    /// </summary>
    public static CreditsLow? Arm(int keyId, int organizationId, long? allotment, DateTime? tag, DateTime? raisedFor) =>
        allotment is > 0 && tag is { } balance && raisedFor != balance ? new(keyId, organizationId, allotment.Value / 10, balance, 0) : null;
}

/// <summary>
/// Raises <c>apikey.credits_low</c> (audited, so the webhook outbox carries it) once per balance,
/// cluster-wide, off the request's path: a node that notices the crossing only queues it (once per
/// balance per node), and a writer claims the balance with a conditional update of
/// <c>CreditsLowNoticeFor</c> before it writes the audit entry, so two nodes never both raise it.
/// A refill or an update labels a new balance, which arms the notice again.
/// </summary>
public sealed class CreditsLowEvents(IServiceScopeFactory scopes, ILogger<CreditsLowEvents> logger) : BackgroundService
{
    public const string Action = "apikey.credits_low";

    private readonly Channel<CreditsLow> _queue =
        Channel.CreateBounded<CreditsLow>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    internal void Noticed(CreditsLow low) => _queue.Writer.TryWrite(low);

    public static string Detail(long remaining, long threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"remaining: {remaining}; threshold: {threshold}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var low in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RaiseAsync(low, stoppingToken);
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Could not raise apikey.credits_low for API key {ApiKeyId}", low.KeyId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a notice not raised now is noticed again by the next node that reserves from this balance.
        }
    }

    private async Task RaiseAsync(CreditsLow low, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Only for the balance still in place: after a refill or an update the old one's notice is moot.
        var claimed = await db.ApiKeys
            .Where(k => k.Id == low.KeyId && k.OrganizationId == low.OrganizationId && k.CreditsRefilledAt == low.Tag
                && (k.CreditsLowNoticeFor == null || k.CreditsLowNoticeFor != low.Tag))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreditsLowNoticeFor, low.Tag), cancellationToken);
        if (claimed == 1)
        {
            scope.ServiceProvider.GetRequiredService<AuditLog>()
                .Add(Action, low.OrganizationId, Actor.Service("credits"), apiKeyId: low.KeyId, detail: Detail(low.Remaining, low.Threshold));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
