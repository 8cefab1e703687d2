using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OrgKeys.Data;

/// <summary>
/// For tests/migration-crash/run.sh only: with <c>ORGKEYS_TEST_KILL_AFTER_COMMANDS=N</c> the process
/// SIGKILLs itself right after its Nth SQL command, so a crash can be put at every step of migrating.
/// </summary>
internal sealed class CrashTestHook(int commands) : DbCommandInterceptor
{
    public const string Variable = "ORGKEYS_TEST_KILL_AFTER_COMMANDS";
    private int _executed;

    public static CrashTestHook? FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? new CrashTestHook(n)
            : null;

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Count(result));

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => Count(result);

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Count(result));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => Count(result);

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Count(result));

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => Count(result);

    private T Count<T>(T result)
    {
        if (Interlocked.Increment(ref _executed) >= commands)
        {
            Process.GetCurrentProcess().Kill();
        }

        return result;
    }
}
