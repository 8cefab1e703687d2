using Microsoft.EntityFrameworkCore;
using OrgKeys.Auth;

namespace OrgKeys.Data;

/// <summary>
/// Runs before the server accepts requests: migrations (EF Core takes a database lock, so several
/// nodes may start at once), SQLite's WAL mode, and the shared key material.
/// </summary>
internal sealed class StartupTasks(IServiceProvider services) : IHostedLifecycleService
{
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        if (db.Provider() == DatabaseProvider.Sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
        await services.GetRequiredService<ServerKeyStore>().InitializeAsync(db, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => InitializeAsync(services, cancellationToken);
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
