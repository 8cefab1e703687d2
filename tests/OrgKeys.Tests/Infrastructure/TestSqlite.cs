using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Tests.Infrastructure;

/// <summary>
/// On SQLite every test still gets a database of its own, but as a copy of a file migrated once per
/// run: copying a few hundred kilobytes costs far less than applying every migration again.
/// </summary>
internal static class TestSqlite
{
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>Puts a migrated, empty <c>orgkeys.db</c> into <paramref name="dataDirectory"/>.</summary>
    public static async Task CopyTemplateToAsync(string dataDirectory)
    {
        var template = await Template.Value;
        Directory.CreateDirectory(dataDirectory);
        File.Copy(template, Path.Combine(dataDirectory, "orgkeys.db"), overwrite: true);
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "orgkeys-tests", $"template-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "orgkeys.db");
        var options = new DbContextOptionsBuilder<OrgKeysDbContext>()
            .UseSqlite($"Data Source={file};Pooling=False", o => o.MigrationsAssembly(DatabaseProvider.Sqlite.MigrationsAssembly()))
            .Options;
        await using (var db = new OrgKeysDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        // Rollback journal, no pooled handle: the template is one closed file, safe to copy.
        SqliteConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(folder);
        return file;
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Still open somewhere; the temp folder is cleaned by the OS.
        }
    }
}
