using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OrgKeys.Data;

/// <summary>
/// EF Core's SQLite migration lock is a row in <c>__EFMigrationsLock</c>: a process killed while
/// holding it leaves the row, and every later start waits for it forever. OrgKeys first takes an
/// exclusive lock on a file beside the database, which the OS drops when the process dies; whoever
/// holds it is the only migrator, so a row found then is stale and is cleared.
/// </summary>
internal static class SqliteMigrationLock
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    public static async Task MigrateAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        await using var fileLock = await AcquireAsync($"{Path.GetFullPath(path)}.migrate-lock", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""DROP TABLE IF EXISTS "__EFMigrationsLock";""", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    private static async Task<FileStream> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock (flock) on Unix, released when the process dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
