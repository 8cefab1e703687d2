using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.KeyLimits;

/// <summary>A node's reservation in one window: what it got, what the cluster has now reserved, the previous window's total and the budget.</summary>
internal readonly record struct Reservation(long Granted, long Reserved, long Previous, long Budget);

/// <summary>
/// The shared ledger of rate limit windows on PostgreSQL. A reservation locks its window's row, and
/// grants at most what keeps the cluster's sliding estimate (previous window's reservations,
/// weighted, plus this window's) within the limit. Reservations count whether spent or not, so the
/// cluster never admits more than the limit allows.
/// </summary>
internal static class RateLimitReservations
{
    /// <param name="db">A context of its own (the transaction is the reservation's).</param>
    /// <param name="keyId">The key.</param>
    /// <param name="name">The limit's name.</param>
    /// <param name="start">The window's start, seconds since the epoch.</param>
    /// <param name="windowSeconds">Its length.</param>
    /// <param name="limit">The limit.</param>
    /// <param name="weight">How much of the previous window still counts, by this node's clock.</param>
    /// <param name="share">How many to take at most.</param>
    /// <param name="cancellationToken">The request's.</param>
    public static async Task<Reservation> ReserveAsync(
        OrgKeysDbContext db, int keyId, string name, long start, int windowSeconds, int limit, double weight, long share, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "RateLimitWindows" ("ApiKeyId", "Name", "WindowStart", "Reserved") VALUES ({keyId}, {name}, {start}, 0) ON CONFLICT DO NOTHING""",
            cancellationToken);
        var reserved = await db.Database.SqlQuery<long>(
            $"""SELECT "Reserved" AS "Value" FROM "RateLimitWindows" WHERE "ApiKeyId" = {keyId} AND "Name" = {name} AND "WindowStart" = {start} FOR UPDATE""")
            .SingleAsync(cancellationToken);
        var previousStart = start - windowSeconds;
        var previous = await db.RateLimitWindows.Where(w => w.ApiKeyId == keyId && w.Name == name && w.WindowStart == previousStart)
            .Select(w => w.Reserved).FirstOrDefaultAsync(cancellationToken);
        var budget = limit - (long)Math.Ceiling(previous * weight);
        var granted = Math.Clamp(budget - reserved, 0, share);
        if (granted > 0)
        {
            await db.RateLimitWindows.Where(w => w.ApiKeyId == keyId && w.Name == name && w.WindowStart == start)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Reserved, reserved + granted), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Reservation(granted, reserved + granted, previous, budget);
    }

    /// <summary>Drops windows that ended more than a day ago (the longest window is a day).</summary>
    public static Task<int> PruneAsync(OrgKeysDbContext db, long nowSeconds, CancellationToken cancellationToken)
    {
        var before = nowSeconds - (2 * 86_400);
        return db.RateLimitWindows.Where(w => w.WindowStart < before).ExecuteDeleteAsync(cancellationToken);
    }
}
