using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>A key's balance (labelled by its <c>CreditsRefilledAt</c>, <paramref name="Tag"/>) at or under 10% of its allotment.</summary>
public readonly record struct CreditsLow(int KeyId, int OrganizationId, long Threshold, DateTime Tag, long Remaining) : IKeyNotice
{
    /// <summary>
    /// The notice a balance carries until raised: 10% (rounded down) of the refill amount, or without a
    /// refill of the balance last set. None for an allotment of 0, nor once raised for this balance.
    /// </summary>
    public static CreditsLow? Arm(int keyId, int organizationId, long? allotment, DateTime? tag, DateTime? raisedFor) =>
        allotment is > 0 && tag is { } balance && raisedFor != balance ? new(keyId, organizationId, allotment.Value / 10, balance, 0) : null;
}

/// <summary>
/// Raises <c>apikey.credits_low</c> once per balance, cluster-wide: a node that notices the crossing
/// only queues it (once per balance per node), and the writer claims the balance with a conditional
/// update of <c>CreditsLowNoticeFor</c>. A refill or an update labels a new balance, which arms the
/// notice again.
/// </summary>
public sealed class CreditsLowEvents(IServiceScopeFactory scopes, ILogger<CreditsLowEvents> logger)
    : KeyEventWriter<CreditsLow>(Action, scopes, logger)
{
    public const string Action = "apikey.credits_low";

    internal void Noticed(CreditsLow low) => Queue(low);

    public static string Detail(long remaining, long threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"remaining: {remaining}; threshold: {threshold}");

    // Only for the balance still in place: after a refill or an update the old one's notice is moot.
    protected override Task<int> ClaimAsync(OrgKeysDbContext db, CreditsLow low, CancellationToken cancellationToken) =>
        db.ApiKeys
            .Where(k => k.Id == low.KeyId && k.OrganizationId == low.OrganizationId && k.CreditsRefilledAt == low.Tag
                && (k.CreditsLowNoticeFor == null || k.CreditsLowNoticeFor != low.Tag))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreditsLowNoticeFor, low.Tag), cancellationToken);

    protected override void Audit(AuditLog audit, CreditsLow low) =>
        audit.Add(Action, low.OrganizationId, Actor.Service("credits"), apiKeyId: low.KeyId, detail: Detail(low.Remaining, low.Threshold));
}
