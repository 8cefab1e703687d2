using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>A key refused by one of its rate limits (<paramref name="Limit"/> names it).</summary>
public readonly record struct RateLimitNotice(int KeyId, int OrganizationId, string Limit) : IKeyNotice;

/// <summary>
/// Raises <c>apikey.rate_limited</c> at most once a minute per key, cluster-wide: a refusal only
/// queues the key (each node at most once a minute), and the writer claims the minute with a
/// conditional update of the key's marker.
/// </summary>
public sealed class RateLimitedEvents(IServiceScopeFactory scopes, TimeProvider time, ILogger<RateLimitedEvents> logger)
    : KeyEventWriter<RateLimitNotice>(Action, scopes, logger)
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
        Queue(new RateLimitNotice(keyId, organizationId, limit));
    }

    protected override Task<int> ClaimAsync(OrgKeysDbContext db, RateLimitNotice notice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - Interval;
        return db.ApiKeys.Where(k => k.Id == notice.KeyId && (k.RateLimitedNoticeAt == null || k.RateLimitedNoticeAt <= since))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RateLimitedNoticeAt, now), cancellationToken);
    }

    protected override void Audit(AuditLog audit, RateLimitNotice notice) =>
        audit.Add(Action, notice.OrganizationId, Actor.Service("rate limiter"), apiKeyId: notice.KeyId, detail: notice.Limit);
}
