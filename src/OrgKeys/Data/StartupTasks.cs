using Microsoft.EntityFrameworkCore;
using OrgKeys.Secrets;

namespace OrgKeys.Data;

/// <summary>
/// Runs before the server accepts requests (and before an operator command): migrations (under a
/// lock, so several nodes may start at once), SQLite's WAL mode, and the shared key material.
/// </summary>
internal sealed class StartupTasks(IDbContextFactory<OrgKeysDbContext> contexts, ServerKeyStore keys) : IHostedLifecycleService
{
    /// <summary>The advisory lock every OrgKeys node takes to migrate ("OrgKeysM" as an integer).</summary>
    private const long MigrationLockKey = 0x4F72674B6579734D;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Provider() == DatabaseProvider.Sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        if (db.Provider() == DatabaseProvider.Postgres)
        {
            // EF Core's own migration lock did not stop two nodes starting at once from both applying
            // a later migration (the two-node test caught it): hold a session advisory lock instead.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        else
        {
            await SqliteMigrationLock.MigrateAsync(db, cancellationToken);
        }

        await keys.InitializeAsync(db, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => InitializeAsync(cancellationToken);
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
