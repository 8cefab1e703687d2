using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Backup;

/// <summary>
/// <c>OrgKeys backup --output FILE</c>: a consistent copy of a SQLite database while the server keeps
/// serving. <c>VACUUM INTO</c> reads one snapshot (a WAL read transaction), so writers are not blocked
/// and every write committed before it began is in the copy. The copy and its manifest go into one zip
/// file. The server secret is deliberately not in it: a stolen backup verifies no key.
/// </summary>
public sealed class SqliteBackup(IDbContextFactory<OrgKeysDbContext> contexts, TimeProvider time)
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<(Dictionary<string, object>?, string?)> CreateAsync(string output, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Provider() != DatabaseProvider.Sqlite)
        {
            return (null, "on PostgreSQL, back up with pg_dump: see 'Backup and restore' in README.md");
        }

        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (!File.Exists(source))
        {
            return (null, $"there is no database at {source} to back up");
        }

        output = Path.GetFullPath(output);
        if (File.Exists(output) || Directory.Exists(output))
        {
            return (null, $"{output} already exists; a backup never overwrites a file");
        }

        var copy = $"{output}.{Guid.NewGuid():N}.tmp";
        try
        {
            var createdUtc = time.GetUtcNow().UtcDateTime;
            await VacuumIntoAsync(db.Database.GetConnectionString()!, copy, cancellationToken);
            var lastMigration = await LastMigrationAsync(copy, cancellationToken);
            var manifest = new BackupManifest(BackupManifest.CurrentFormat, BackupManifest.RunningVersion, "sqlite",
                lastMigration, createdUtc, await Sha256Async(copy, cancellationToken), new FileInfo(copy).Length);
            WriteArchive(output, copy, manifest);
            return (new()
            {
                ["output"] = output,
                ["sha256"] = await Sha256Async(output, cancellationToken),
                ["lastMigration"] = lastMigration,
                ["createdUtc"] = createdUtc,
            }, null);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static async Task VacuumIntoAsync(string connectionString, string target, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $target";
        command.Parameters.AddWithValue("$target", target);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<string> LastMigrationAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY "MigrationId" DESC LIMIT 1""";
        return await command.ExecuteScalarAsync(cancellationToken) as string ?? "";
    }

    private static void WriteArchive(string output, string copy, BackupManifest manifest)
    {
        // CreateNew: refuses a file that appeared since the check, never overwrites one.
        using var file = new FileStream(output, FileMode.CreateNew, FileAccess.Write);
        using (var archive = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var entry = archive.CreateEntry(BackupManifest.ManifestEntry).Open())
            {
                JsonSerializer.Serialize(entry, manifest, JsonOptions);
            }

            using var database = archive.CreateEntry(BackupManifest.DatabaseEntry, CompressionLevel.Optimal).Open();
            using var source = File.OpenRead(copy);
            source.CopyTo(database);
        }

        file.Flush(flushToDisk: true);
    }

    internal static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
