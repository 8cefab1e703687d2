using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;

namespace OrgKeys.Health;

/// <summary>What <c>/v1/api-ready</c> asks before a load balancer sends this node traffic.</summary>
internal static class ReadinessChecks
{
    public const string Tag = "ready";
    public const string Database = "database";
    public const string Migrations = "migrations";
    public const string ChangeListener = "change-listener";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddOrgKeysReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<OrgKeysDbContext>(Database, HealthStatus.Unhealthy, [Tag],
                customTestQuery: async (db, ct) =>
                {
                    await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
                    return true;
                })
            .Add(new HealthCheckRegistration(Migrations, sp => new MigrationsCheck(sp), HealthStatus.Unhealthy, [Tag], Timeout))
            .Add(new HealthCheckRegistration(ChangeListener, sp => new ChangeListenerCheck(sp), HealthStatus.Unhealthy, [Tag], Timeout));
        services.Configure<HealthCheckServiceOptions>(o =>
        {
            foreach (var registration in o.Registrations)
            {
                registration.Timeout = Timeout;
            }
        });
        return services;
    }

    /// <summary>Every migration of this build is applied: a node never serves an older schema.</summary>
    private sealed class MigrationsCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending} pending");
        }
    }

    /// <summary>On PostgreSQL, the LISTEN connection that keeps this node's auth cache in step with the others.</summary>
    private sealed class ChangeListenerCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var scope = services.CreateAsyncScope();
            if (scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>().Provider() != DatabaseProvider.Postgres)
            {
                return HealthCheckResult.Healthy("not used on SQLite");
            }

            var listener = services.GetServices<IHostedService>().OfType<AuthChangeListener>().Single();
            return listener.Connected ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not connected");
        }
    }
}
