using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Authentication.Caching;

/// <summary>
/// On SQLite, what PostgreSQL's NOTIFY does for other nodes: every process on the database file (the
/// server, the operator CLI) appends its auth changes to <c>AuthChanges</c>, and a running server
/// polls it every <see cref="Interval"/> with one primary-key range read, off the request path.
/// </summary>
internal sealed class SqliteChangeLog(AuthCache cache, IServiceScopeFactory scopes, ILogger<SqliteChangeLog> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>This process; its own rows were applied when they were written.</summary>
    private static readonly string Origin = Guid.NewGuid().ToString("N");

    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);

    /// <summary>Changes (their <see cref="AuthChange.Format"/>), in one statement.</summary>
    public static async Task AppendAsync(string[] changes, OrgKeysDbContext db)
    {
        var created = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var json = System.Text.Json.JsonSerializer.Serialize(changes);
        try
        {
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "AuthChanges" ("Origin", "Change", "Created") SELECT {Origin}, "value", {created} FROM json_each({json}) ORDER BY "key" """,
                CancellationToken.None);
        }
        catch (SqliteException)
        {
            // Committed but not announced: other processes see it when their entries age out.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
            if (db.Provider() != DatabaseProvider.Sqlite)
            {
                return;
            }

            connectionString = db.Database.GetConnectionString()!;
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(stoppingToken);
        await PruneAsync(connection, stoppingToken);
        await using var read = connection.CreateCommand();
        read.CommandText = """SELECT "Id", "Origin", "Change" FROM "AuthChanges" WHERE "Id" > $last ORDER BY "Id" """;
        var last = read.Parameters.Add("$last", SqliteType.Integer);
        last.Value = await LastIdAsync(connection, stoppingToken);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var reader = await read.ExecuteReaderAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken))
                {
                    last.Value = reader.GetInt64(0);
                    if (reader.GetString(1) != Origin)
                    {
                        cache.Apply(AuthChange.Parse(reader.GetString(2)));
                    }
                }
            }
            catch (SqliteException e)
            {
                // Busy or locked for a moment: forget everything rather than miss a change.
                logger.LogWarning(e, "Could not read the auth change log; the auth cache is cleared");
                cache.Apply(AuthChange.All);
            }
        }
    }

    private static async Task<long> LastIdAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT COALESCE(MAX("Id"), 0) FROM "AuthChanges" """;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task PruneAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """DELETE FROM "AuthChanges" WHERE "Created" < $before""";
        command.Parameters.AddWithValue("$before", DateTime.UtcNow.Subtract(KeepFor).ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
