using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Secrets;

namespace OrgKeys.Backup;

/// <summary>
/// <c>OrgKeys restore --input FILE</c>: puts a backup's database into an empty data folder, and refuses
/// anything else, so a restore can never overwrite or mix with live data. It runs before any startup
/// task could create a database. The file must be whole (its SHA-256 matches the manifest), made by
/// a schema this build knows, and sealed under the server secret this node has.
/// </summary>
public sealed class SqliteRestore(IDbContextFactory<OrgKeysDbContext> contexts, DataDirectory dataDirectory, IServiceProvider services)
{
    /// <summary>The secret is kept apart from backups, so it may be put in the folder before a restore (with the one it replaced, after a rotation).</summary>
    private static readonly string[] AllowedInEmptyFolder = [ServerSecret.FileName, ServerSecret.PreviousFileName];

    public async Task<(Dictionary<string, object>?, string?)> RestoreAsync(string input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Provider() != DatabaseProvider.Sqlite)
        {
            return (null, "on PostgreSQL, restore with pg_restore: see 'Backup and restore' in README.md");
        }

        var target = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        var occupied = Directory.EnumerateFileSystemEntries(dataDirectory.Path).Select(Path.GetFileName)
            .Where(name => !AllowedInEmptyFolder.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (occupied.Count > 0 || File.Exists(target))
        {
            return (null, $"the data folder {dataDirectory.Path} is not empty ({string.Join(", ", occupied.DefaultIfEmpty(target))}); restore only into an empty one");
        }

        if (!ServerSecret.IsConfigured(services.GetRequiredService<IConfiguration>(), dataDirectory))
        {
            return (null, $"no server secret: set OrgKeys:ServerSecret or put the file {ServerSecret.FileName} in the data folder first; the backup does not hold it");
        }

        var staging = $"{target}.restoring";
        try
        {
            var (manifest, error) = Extract(input, staging);
            error ??= Verify(manifest!, db.Database.GetMigrations().ToList(), staging);
            error ??= await SecretMatchesAsync(staging, services.GetRequiredService<ServerSecret>(), cancellationToken);
            if (error is not null)
            {
                return (null, error);
            }

            File.Move(staging, target);
            return (new()
            {
                ["restored"] = target,
                ["lastMigration"] = manifest!.LastMigration,
                ["createdUtc"] = manifest.CreatedUtc,
                ["orgKeysVersion"] = manifest.OrgKeysVersion,
            }, null);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(staging);
        }
    }

    private static (BackupManifest?, string?) Extract(string input, string staging)
    {
        if (!File.Exists(input))
        {
            return (null, $"no file {input}");
        }

        try
        {
            using var archive = ZipFile.OpenRead(input);
            var manifestEntry = archive.GetEntry(BackupManifest.ManifestEntry);
            var databaseEntry = archive.GetEntry(BackupManifest.DatabaseEntry);
            if (manifestEntry is null || databaseEntry is null)
            {
                return (null, $"{input} is not an OrgKeys backup: it lacks {BackupManifest.ManifestEntry} or {BackupManifest.DatabaseEntry}");
            }

            BackupManifest? manifest;
            using (var stream = manifestEntry.Open())
            {
                manifest = JsonSerializer.Deserialize<BackupManifest>(stream, SqliteBackup.JsonOptions);
            }

            using (var source = databaseEntry.Open())
            using (var copy = new FileStream(staging, FileMode.CreateNew, FileAccess.Write))
            {
                source.CopyTo(copy);
                copy.Flush(flushToDisk: true);
            }

            return manifest is null ? (null, $"{input} has an empty manifest") : (manifest, null);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            return (null, $"{input} is damaged or not an OrgKeys backup ({e.GetType().Name})");
        }
    }

    private static string? Verify(BackupManifest manifest, List<string> knownMigrations, string staging)
    {
        if (manifest.Format != BackupManifest.CurrentFormat || manifest.Provider != "sqlite")
        {
            return $"unsupported backup format '{manifest.Format}' ({manifest.Provider})";
        }

        using (var stream = File.OpenRead(staging))
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, manifest.Sha256, StringComparison.Ordinal) || stream.Length != manifest.Bytes)
            {
                return "the database in the backup does not match its manifest's SHA-256: the file is damaged";
            }
        }

        return knownMigrations.Contains(manifest.LastMigration, StringComparer.Ordinal)
            ? null
            : $"the backup's schema ({manifest.LastMigration}) is newer than this OrgKeys ({BackupManifest.RunningVersion}): restore it with that version or later";
    }

    /// <summary>A restore under another secret would give a database no key verifies against: refuse it now.</summary>
    private static async Task<string?> SecretMatchesAsync(string staging, ServerSecret secret, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = staging, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var integrity = connection.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        if (await integrity.ExecuteScalarAsync(cancellationToken) as string != "ok")
        {
            return "the database in the backup fails SQLite's integrity check";
        }

        await using var check = connection.CreateCommand();
        check.CommandText = """SELECT "Value" FROM "ServerKeys" WHERE "Purpose" = $purpose""";
        check.Parameters.AddWithValue("$purpose", ServerKeyStore.SecretCheckPurpose);
        return await check.ExecuteScalarAsync(cancellationToken) is not byte[] stored || secret.Matches(stored)
            ? null
            : "this node's server secret is not the one the backup was made under; configure that secret and restore again " +
              "(a backup from before a rotation: that old secret as OrgKeys:PreviousServerSecret or the file server-secret.previous, beside the new one)";
    }
}
