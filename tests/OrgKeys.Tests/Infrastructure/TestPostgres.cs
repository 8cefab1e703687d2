using Microsoft.EntityFrameworkCore;
using Npgsql;
using OrgKeys.Data;

namespace OrgKeys.Tests.Infrastructure;

/// <summary>
/// When <c>ORGKEYS_TEST_POSTGRES</c> names a (throwaway) PostgreSQL cluster, every test gets its own
/// database, cloned from a template migrated once per run.
/// </summary>
internal static class TestPostgres
{
    public static readonly string? AdminConnectionString = Environment.GetEnvironmentVariable("ORGKEYS_TEST_POSTGRES");
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    public static bool Enabled => !string.IsNullOrEmpty(AdminConnectionString);

    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync()
    {
        var template = await Template.Value;
        var name = $"t_{Guid.NewGuid():N}";
        await CreateLock.WaitAsync();
        try
        {
            await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        }
        finally
        {
            CreateLock.Release();
        }

        return (name, WithDatabase(name));
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var name = $"orgkeys_template_{Environment.ProcessId}";
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        var options = new DbContextOptionsBuilder<OrgKeysDbContext>()
            .UseNpgsql(WithDatabase(name), o => o.MigrationsAssembly(DatabaseProvider.Postgres.MigrationsAssembly()))
            .Options;
        await using (var db = new OrgKeysDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        // A template must have no open connections while it is copied.
        NpgsqlConnection.ClearAllPools();
        return name;
    }

    private static string WithDatabase(string name) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
