using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Data;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Operations;

/// <summary>
/// <c>/v1/api-ready</c>: 200 only when the database answers and every migration is applied (and on
/// PostgreSQL the change listener is up). Stopping PostgreSQL under a running server is in tests/outage/run.sh.
/// </summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ready_WhenMigratedAndConnected()
    {
        using var client = _app.CreateClient();
        var response = await WaitForAsync(client, HttpStatusCode.OK);
        Assert.True((await response.ReadJsonAsync()).GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task NotReady_WhenAMigrationIsPending_NamesTheCheck()
    {
        using var client = _app.CreateClient();
        await WaitForAsync(client, HttpStatusCode.OK);
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        var last = (await db.Database.GetAppliedMigrationsAsync()).Last();
        await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}");

        var response = await client.GetAsync(new Uri("/v1/api-ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("not ready: migrations (1 pending)", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task NotReady_WhenTheDatabaseIsGone_NamesTheCheck()
    {
        using var client = _app.CreateClient();
        await WaitForAsync(client, HttpStatusCode.OK);
        await MakeDatabaseUnreachableAsync();

        var response = await client.GetAsync(new Uri("/v1/api-ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error").GetString()!;
        Assert.StartsWith("not ready: database", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Data Source", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Host", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_StaysUp_WhenTheDatabaseIsGone()
    {
        using var client = _app.CreateClient();
        await WaitForAsync(client, HttpStatusCode.OK);
        await MakeDatabaseUnreachableAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v1/api-health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Ready_IsInTheOpenApiDocument()
    {
        using var client = _app.CreateClient();
        var document = await (await client.GetAsync(new Uri("/v1/openapi.json", UriKind.Relative))).ReadJsonAsync();
        var operation = document.GetProperty("paths").GetProperty("/v1/api-ready").GetProperty("get");
        Assert.Equal("ready", operation.GetProperty("operationId").GetString());
        Assert.Contains("OrgKeys extension", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    /// <summary>On PostgreSQL the change listener connects in the background: wait for it, a few seconds at most.</summary>
    private static async Task<HttpResponseMessage> WaitForAsync(HttpClient client, HttpStatusCode status)
    {
        for (var i = 0; ; i++)
        {
            var response = await client.GetAsync(new Uri("/v1/api-ready", UriKind.Relative));
            if (response.StatusCode == status || i == 50)
            {
                Assert.Equal(status, response.StatusCode);
                return response;
            }

            await Task.Delay(100);
        }
    }

    private async Task MakeDatabaseUnreachableAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        if (db.Provider() == DatabaseProvider.Postgres)
        {
            var name = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).Database!;
            await TestPostgres.DropDatabaseAsync(name);
            return;
        }

        // A folder where the database file was: SQLite cannot open it.
        var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(path);
    }
}
