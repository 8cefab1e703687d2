using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>
/// Raises <c>apikey.rate_limited</c> at most once a minute per key, cluster-wide: a refusal only
/// queues the key (each node at most once a minute), and the writer claims the minute with a
/// conditional update of the key's marker.
/// </summary>
public sealed class RateLimitedEvents(IServiceScopeFactory scopes, TimeProvider time, ILogger<RateLimitedEvents> logger)
    : KeyEventWriter<(int KeyId, int OrganizationId, string Limit)>(Action, scopes, logger)
{
    public const string Action = "apikey.rate_limited";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

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
        Queue((keyId, organizationId, limit));
    }

    protected override int KeyIdOf((int KeyId, int OrganizationId, string Limit) notice) => notice.KeyId;

    protected override Task<int> ClaimAsync(OrgKeysDbContext db, (int KeyId, int OrganizationId, string Limit) notice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - Interval;
        return db.ApiKeys.Where(k => k.Id == notice.KeyId && (k.RateLimitedNoticeAt == null || k.RateLimitedNoticeAt <= since))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RateLimitedNoticeAt, now), cancellationToken);
    }

    protected override void Audit(AuditLog audit, (int KeyId, int OrganizationId, string Limit) notice) =>
        audit.Add(Action, notice.OrganizationId, Actor.Service("rate limiter"), apiKeyId: notice.KeyId, detail: notice.Limit);
}
