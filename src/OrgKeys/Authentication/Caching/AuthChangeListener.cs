using Microsoft.EntityFrameworkCore;
using Npgsql;
using OrgKeys.Data;

namespace OrgKeys.Authentication.Caching;

/// <summary>
/// On PostgreSQL, holds one connection that LISTENs on <see cref="AuthCache.Channel"/> and applies
/// what every node publishes. The cache is on only while that connection is up, and starts empty
/// each time it (re)connects, since changes published meanwhile were lost. On SQLite (one node)
/// the cache is simply on.
/// </summary>
internal sealed class AuthChangeListener(AuthCache cache, IServiceScopeFactory scopes, ILogger<AuthChangeListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan Ping = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private volatile bool _connected;

    /// <summary>The LISTEN connection is up (PostgreSQL only): what readiness reports.</summary>
    public bool Connected => _connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
            if (db.Provider() != DatabaseProvider.Postgres)
            {
                cache.Enabled = true;
                return;
            }

            connectionString = db.Database.GetConnectionString()!;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                logger.LogWarning(e, "Lost the auth change channel; the auth cache is off until it is back");
            }
            finally
            {
                _connected = false;
                cache.Enabled = false;
            }

            try
            {
                await Task.Delay(RetryDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, e) => cache.Apply(AuthChange.Parse(e.Payload));
        await using (var listen = new NpgsqlCommand($"LISTEN {AuthCache.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        cache.Enabled = true;
        _connected = true;
        logger.LogInformation("Listening for auth changes on channel " + AuthCache.Channel);
        while (true)
        {
            if (!await connection.WaitAsync(Ping, stoppingToken))
            {
                // Quiet for a while: make sure the connection is still alive.
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
    }
}
