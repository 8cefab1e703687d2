using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.ForwardAuth;

namespace OrgKeys.KeyLimits;

public static class KeyLimitsSetup
{
    public static IServiceCollection AddKeyLimits(this IServiceCollection services)
    {
        services.AddOptions<KeyLimitOptions>().BindConfiguration(KeyLimitOptions.Section)
            .Validate(o => o.CreditReservation is >= 1 and <= 100_000, $"{KeyLimitOptions.Section}:CreditReservation must be from 1 to 100000.")
            .Validate(o => o.RateLimitShares is >= 1 and <= 1000, $"{KeyLimitOptions.Section}:RateLimitShares must be from 1 to 1000.")
            .ValidateOnStart();
        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<CreditBank>();
        services.AddSingleton<KeyGate>();
        services.AddHostedService<KeyLimitsHousekeeping>();
        services.AddSingleton<RateLimitedEvents>();
        services.AddSingleton<CreditsLowEvents>();
        services.AddHostedService(s => s.GetRequiredService<CreditsLowEvents>());
        services.AddHostedService(s => s.GetRequiredService<RateLimitedEvents>());
        return services;
    }

    /// <summary>
    /// After authentication, before authorization: a request signed in by a key passes the gate
    /// before any endpoint runs. A check whose query is a 400 spends nothing (the endpoint answers it).
    /// </summary>
    public static IApplicationBuilder UseKeyGate(this IApplicationBuilder app)
    {
        var gate = app.ApplicationServices.GetRequiredService<KeyGate>();
        var cache = app.ApplicationServices.GetRequiredService<AuthCache>();
        var credits = app.ApplicationServices.GetRequiredService<CreditBank>();
        cache.Applied += change =>
        {
            if (change.Kind == AuthChangeKind.ApiKey)
            {
                credits.Changed(change.Id);
            }
            else if (change.Kind == AuthChangeKind.All)
            {
                credits.ChangedAll();
            }
        };
        return app.Use((http, next) =>
        {
            if (http.User.AsApiKey() is not { } identity)
            {
                return next(http);
            }

            var cost = 1L;
            if (http.GetEndpoint()?.Metadata.GetMetadata<ForwardAuthFastPath.Endpoint>() is not null)
            {
                if (CheckQuery.Parse(http.Request.Query["organization"], http.Request.Query["role"], http.Request.Query["cost"], out var query) is not null)
                {
                    return next(http);
                }

                cost = query.Cost;
            }

            var pass = gate.PassAsync(identity.Key, http, cost);
            return pass.IsCompletedSuccessfully
                ? pass.Result is { } refused ? refused.WriteAsync(http) : next(http)
                : ThenAsync(pass, http, next);
        });
    }

    private static async Task ThenAsync(ValueTask<GateRefusal?> pass, HttpContext http, RequestDelegate next)
    {
        if (await pass is { } refused)
        {
            await refused.WriteAsync(http);
            return;
        }

        await next(http);
    }
}

/// <summary>Once a second: gives back credits of idle keys; now and then forgets idle rate limit state and prunes old windows.</summary>
internal sealed class KeyLimitsHousekeeping(
    CreditBank credits, KeyRateLimiter limiter, IDbContextFactory<OrgKeysDbContext> contexts, TimeProvider time, ILogger<KeyLimitsHousekeeping> logger)
    : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunAsync(() => credits.ReturnIdleAsync(time.GetUtcNow().UtcDateTime - Idle, stoppingToken));
                if (++ticks % 60 == 0)
                {
                    limiter.Prune(time.GetUtcNow().ToUnixTimeMilliseconds());
                    await RunAsync(() => PruneWindowsAsync(stoppingToken));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync gives back every reservation.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await RunAsync(() => credits.ReturnIdleAsync(DateTime.MaxValue, cancellationToken));
    }

    private async Task<int> PruneWindowsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return db.Provider() == DatabaseProvider.Postgres
            ? await RateLimitReservations.PruneAsync(db, time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken)
            : 0;
    }

    private async Task RunAsync(Func<Task<int>> work)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Best effort: a reservation not given back now is given back at the next tick or lost within the stated bound.
            logger.LogWarning(e, "Key limits housekeeping failed");
        }
    }
}
