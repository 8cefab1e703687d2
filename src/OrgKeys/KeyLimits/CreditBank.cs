using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys.Rules;
using OrgKeys.Data;

namespace OrgKeys.KeyLimits;

/// <summary>What spending credits decided.</summary>
internal enum CreditVerdict
{
    Spent,
    UsedUp,
    /// <summary>Some are left, fewer than the request costs.</summary>
    TooFew,
    /// <summary>This node's reservation is short: take more from the database first.</summary>
    NeedsReservation,
}

/// <summary>
/// Usage credits spent in memory from reservations taken out of <c>ApiKeys.CreditsRemaining</c>. A
/// reservation is subtracted in the database before any of it is spent, so however nodes crash the
/// key never gets more than it had; a crash loses at most the node's unspent reservation
/// (<see cref="KeyLimitOptions.CreditReservation"/>). A node gives back what it holds when the key
/// goes idle and when it stops. Refills happen lazily, at the first reservation after a boundary.
/// </summary>
public sealed class CreditBank(
    IDbContextFactory<OrgKeysDbContext> contexts, IOptions<KeyLimitOptions> options, CreditsLowEvents lowEvents, TimeProvider time, ILogger<CreditBank> logger)
{
    private readonly ConcurrentDictionary<int, KeyCredits> _keys = new();
    private readonly long _reservation = Math.Max(1, options.Value.CreditReservation);

    internal CreditVerdict TrySpend(int keyId, long cost)
    {
        var credits = _keys.GetOrAdd(keyId, static _ => new KeyCredits());
        var verdict = credits.TrySpend(cost, time.GetUtcNow().UtcDateTime, out var topUp, out var low);
        if (low is { } notice)
        {
            lowEvents.Noticed(notice);
        }

        if (topUp)
        {
            _ = Task.Run(() => TopUpAsync(keyId, credits));
        }

        return verdict;
    }

    /// <summary>Reserves more before the reservation in hand runs out, off the request's path.</summary>
    private async Task TopUpAsync(int keyId, KeyCredits credits)
    {
        try
        {
            await credits.Reserving.WaitAsync();
            try
            {
                if (credits.StillLow)
                {
                    await using var db = await contexts.CreateDbContextAsync();
                    await ReserveAsync(db, keyId, credits, credits.Held + 1, time.GetUtcNow().UtcDateTime, CancellationToken.None);
                }
            }
            finally
            {
                credits.Reserving.Release();
            }
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // A request that finds the reservation empty reserves for itself.
            logger.LogWarning(e, "Could not reserve credits ahead for API key {ApiKeyId}", keyId);
        }
        finally
        {
            credits.ToppedUp();
        }
    }

    /// <summary>
    /// Takes a reservation (refilling first when a boundary passed), then spends. One reservation at
    /// a time per key on this node; a reservation that loses a race with another node reads again.
    /// </summary>
    internal async ValueTask<(CreditVerdict Verdict, DateTime? NextRefill)> SpendAsync(int keyId, long cost, CancellationToken cancellationToken)
    {
        var credits = _keys.GetOrAdd(keyId, static _ => new KeyCredits());
        await credits.Reserving.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            for (var attempt = 0; attempt < 16; attempt++)
            {
                var now = time.GetUtcNow().UtcDateTime;
                if (credits.TrySpend(cost, now, out _, out var low) is var quick && quick != CreditVerdict.NeedsReservation)
                {
                    if (low is { } notice)
                    {
                        lowEvents.Noticed(notice);
                    }

                    return (quick, credits.UsedUpUntil);
                }

                if (await ReserveAsync(db, keyId, credits, cost, now, cancellationToken) is { } noCredits)
                {
                    return noCredits;
                }
            }

            return (CreditVerdict.UsedUp, null); // the row kept changing under us: refuse rather than spin
        }
        finally
        {
            credits.Reserving.Release();
        }
    }

    /// <summary>One compare-and-set on the key's balance; a result only when the spend is settled without spending from memory.</summary>
    private async Task<(CreditVerdict, DateTime?)?> ReserveAsync(OrgKeysDbContext db, int keyId, KeyCredits credits, long cost, DateTime now, CancellationToken cancellationToken)
    {
        var row = await db.ApiKeys.AsNoTracking().Where(k => k.Id == keyId)
            .Select(k => new { k.OrganizationId, k.CreditsRemaining, k.CreditsRefillAmount, k.CreditsRefillInterval, k.CreditsRefillDay, k.CreditsRefilledAt, k.CreditsAllotment, k.CreditsLowNoticeFor })
            .FirstOrDefaultAsync(cancellationToken);
        if (row?.CreditsRemaining is not { } stored)
        {
            return (CreditVerdict.Spent, null); // no longer has credits: the cached key is about to be replaced
        }

        var boundary = CreditsSettings.LastRefill(row.CreditsRefillInterval, row.CreditsRefillDay, now);
        var refill = boundary is not null && row.CreditsRefillAmount is not null && (row.CreditsRefilledAt is null || boundary > row.CreditsRefilledAt);
        var remaining = refill ? row.CreditsRefillAmount!.Value : stored;
        var tag = refill ? boundary : row.CreditsRefilledAt;
        var take = credits.PlanReservation(tag, cost, remaining, _reservation);
        var refilledAt = row.CreditsRefilledAt;
        var changed = await db.ApiKeys
            .Where(k => k.Id == keyId && k.CreditsRemaining == stored && k.CreditsRefilledAt == refilledAt)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreditsRemaining, remaining - take).SetProperty(k => k.CreditsRefilledAt, tag), cancellationToken);
        if (changed != 1)
        {
            return null;
        }

        var next = CreditsSettings.NextRefill(row.CreditsRefillInterval, row.CreditsRefillDay, now);
        var armed = CreditsLow.Arm(keyId, row.OrganizationId, row.CreditsRefillAmount ?? row.CreditsAllotment, tag, row.CreditsLowNoticeFor);
        var refused = credits.Reserved(tag, take, remaining - take, cost, next, armed, out var low);
        if (low is { } notice)
        {
            lowEvents.Noticed(notice);
        }

        return refused is { } verdict ? (verdict, next) : null;
    }

    /// <summary>Gives back the reservations of keys idle since <paramref name="idleSince"/> (all of them when stopping).</summary>
    public async Task<int> ReturnIdleAsync(DateTime idleSince, CancellationToken cancellationToken)
    {
        var returned = 0;
        OrgKeysDbContext? db = null;
        try
        {
            foreach (var (id, credits) in _keys)
            {
                if (credits.TakeBackIfIdle(idleSince) is not { } held)
                {
                    continue;
                }

                db ??= await contexts.CreateDbContextAsync(cancellationToken);
                // Only to the balance it was taken from: after a refill or an update, unspent credits are simply gone.
                returned += await db.ApiKeys.Where(k => k.Id == id && k.CreditsRemaining != null && k.CreditsRefilledAt == held.Tag)
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreditsRemaining, k => k.CreditsRemaining + held.Amount), cancellationToken);
                _keys.TryRemove(new KeyValuePair<int, KeyCredits>(id, credits));
            }
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync();
            }
        }

        return returned;
    }

    /// <summary>The key changed (credits set, key revoked): what this node holds may be from an old balance, so it checks before spending again.</summary>
    public void Changed(int keyId)
    {
        if (_keys.TryGetValue(keyId, out var credits))
        {
            credits.MustCheck();
        }
    }

    public void ChangedAll()
    {
        foreach (var credits in _keys.Values)
        {
            credits.MustCheck();
        }
    }

    /// <summary>Until when the key is known to be used up on this node (its next refill).</summary>
    public DateTime? UsedUpUntil(int keyId) => _keys.TryGetValue(keyId, out var credits) ? credits.UsedUpUntil : null;

    /// <summary>Credits this node holds for a key and has not spent, for listings.</summary>
    public long Held(int keyId) => _keys.TryGetValue(keyId, out var credits) ? credits.Held : 0;
}
