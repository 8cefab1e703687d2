using Microsoft.Data.Sqlite;
using Npgsql;
using OrgKeys.Infrastructure;

namespace OrgKeys.Tests.Storage;

/// <summary>
/// Which database failures are "unavailable, retry" (503) rather than our bug (500). The whole path,
/// PostgreSQL stopped under a running server, is exercised by tests/outage/run.sh.
/// </summary>
public class DatabaseUnavailableTests
{
    public static TheoryData<Exception, bool> Cases() => new()
    {
        { new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)), true },
        { new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", new NpgsqlException("broken")), true },
        { new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"), true },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true },
        { new PostgresException("too many connections", "FATAL", "FATAL", "53300"), true },
        { new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"), false },
        { new PostgresException("syntax error", "ERROR", "ERROR", "42601"), false },
        { new SqliteException("database is locked", 5), true },
        { new SqliteException("constraint failed", 19), false },
        { new TimeoutException(), true },
        { new InvalidOperationException("a bug"), false },
        { new ArgumentException("another bug"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classifies(Exception exception, bool unavailable) =>
        Assert.Equal(unavailable, ApiExceptionHandler.IsDatabaseUnavailable(exception));
}
