using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.Data;
using OrgKeys.Infrastructure;
using OrgKeys.Users;

namespace OrgKeys.Throttling;

/// <summary>
/// Throttling of password checks (sign-in and change-password), counted in the database so every
/// node gives the same verdict. An account is the user id when the name or e-mail exists, so both
/// share one allowance; an unknown name is throttled by its text exactly like a real account, so
/// the answers cannot tell them apart. After the free attempts each failure doubles the account's
/// wait (1 s, 2 s, 4 s … up to <see cref="LoginThrottleOptions.MaxDelay"/>); at
/// <see cref="LoginThrottleOptions.LockoutAfter"/> consecutive failures it is locked. Account runs
/// are forgotten a day after the last failure.
/// </summary>
/// <remarks>
/// An address over its allowance never stops a correct password for an account that is not itself
/// throttled: behind a proxy or a NAT everyone shares the address, and an attacker (or typos) must
/// not lock everyone out. Such an address's wrong passwords are answered 429, its counts decay by
/// one failure per <see cref="LoginThrottleOptions.AddressDecay"/>, and a success clears them.
/// </remarks>
public sealed class LoginThrottle(OrgKeysDbContext db, TimeProvider time, IOptions<LoginThrottleOptions> options, IHttpContextAccessor http)
{
    private const int PruneEvery = 1000;
    private static readonly long ForgetMs = (long)TimeSpan.FromDays(1).TotalMilliseconds;
    private static int s_failures;

    private readonly LoginThrottleOptions _options = options.Value;

    /// <summary>What the throttle says before a password is checked.</summary>
    public readonly record struct Verdict(TimeSpan? AccountWait, TimeSpan? AddressWait);

    /// <summary>The account of a user already known by id (change-password).</summary>
    public static string UserAccount(int userId) => "account:u:" + userId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The account a username or e-mail names: one lookup, whether or not it exists.</summary>
    public async Task<string> AccountAsync(string usernameOrEmail, CancellationToken cancellationToken)
    {
        var normalized = UserService.Normalize(usernameOrEmail);
        var id = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUsername == normalized || u.NormalizedEmail == normalized)
            .Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);
        return id is { } userId ? UserAccount(userId) : "account:n:" + normalized;
    }

    public async Task<Verdict> CheckAsync(string account, CancellationToken cancellationToken)
    {
        var address = AddressKey();
        var rows = await db.LoginFailures.AsNoTracking().Where(f => f.Key == account || f.Key == address).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var accountRow = rows.Find(r => r.Key == account);
        var addressRow = rows.Find(r => r.Key == address);
        var accountWait = accountRow is null ? TimeSpan.Zero : Wait(accountRow.Count, accountRow.LastMs, _options.FreeAttemptsPerAccount, lockable: true, now);
        var addressWait = addressRow is null ? TimeSpan.Zero : Wait(Decayed(addressRow.Count, addressRow.LastMs, now), addressRow.LastMs, _options.FreeAttemptsPerAddress, lockable: false, now);
        return new Verdict(accountWait > TimeSpan.Zero ? accountWait : null, addressWait > TimeSpan.Zero ? addressWait : null);
    }

    public async Task FailedAsync(string account, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Accounts count consecutive failures (forgotten after a day); addresses forgive one failure per AddressDecay.
        await UpsertAsync(account, now, decayMs: ForgetMs, cancellationToken);
        await UpsertAsync(AddressKey(), now, decayMs: Math.Max(1, (long)_options.AddressDecay.TotalMilliseconds), cancellationToken);
        if (Interlocked.Increment(ref s_failures) % PruneEvery == 0)
        {
            await db.LoginFailures.Where(f => f.LastMs < now - ForgetMs).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>A success ends the account's run of failures and clears its address's count.</summary>
    public async Task SucceededAsync(string account, CancellationToken cancellationToken)
    {
        var address = AddressKey();
        await db.LoginFailures.Where(f => f.Key == account || f.Key == address).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The 429 a throttled attempt gets, with <c>Retry-After</c>.</summary>
    public JsonHttpResult<ApiError> TooManyAttempts(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        if (http.HttpContext is { } context)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return ApiResults.Status(StatusCodes.Status429TooManyRequests, $"Too many failed sign-in attempts; try again in {seconds} seconds.");
    }

    /// <summary>No address (a Unix socket, an in-process test server) counts as one address of its own.</summary>
    private string AddressKey() => "address:" + (http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "none");

    /// <summary>
    /// One statement on either provider: a row older than <c>ForgetMs</c> starts again, otherwise the
    /// count loses one per <paramref name="decayMs"/> elapsed (never below zero), then grows by one.
    /// </summary>
    private Task<int> UpsertAsync(string key, long now, long decayMs, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "LoginFailures" ("Key", "Count", "LastMs") VALUES ({key}, 1, {now})
            ON CONFLICT ("Key") DO UPDATE SET
              "Count" = CASE
                WHEN {now} - "LoginFailures"."LastMs" > {ForgetMs} THEN 1
                WHEN "LoginFailures"."Count" - ({now} - "LoginFailures"."LastMs") / {decayMs} > 0
                  THEN "LoginFailures"."Count" - ({now} - "LoginFailures"."LastMs") / {decayMs} + 1
                ELSE 1 END,
              "LastMs" = {now}
            """,
            cancellationToken);

    private int Decayed(int count, long lastMs, long now)
    {
        var decayMs = Math.Max(1, (long)_options.AddressDecay.TotalMilliseconds);
        return (int)Math.Max(0, count - ((now - lastMs) / decayMs));
    }

    private TimeSpan Wait(int count, long lastMs, int free, bool lockable, long now)
    {
        var elapsed = TimeSpan.FromMilliseconds(now - lastMs);
        if (count == 0 || now - lastMs > ForgetMs)
        {
            return TimeSpan.Zero;
        }

        if (lockable && count >= _options.LockoutAfter)
        {
            return _options.LockoutDuration - elapsed;
        }

        if (count < free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(count - free, 20);
        var delay = TimeSpan.FromSeconds(1 << doublings);
        return (delay < _options.MaxDelay ? delay : _options.MaxDelay) - elapsed;
    }
}
