using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>
/// Every row of every table, as sorted text, read through the DbContext's own connection (SQLite or
/// PostgreSQL alike). Left out: the data protection key ring, which the framework may grow at any
/// time, and the key usage columns, which a background writer legitimately updates.
/// </summary>
public static class DatabaseSnapshot
{
    // LoginFailures is the throttle's own bookkeeping: a refused password is meant to count there.
    private static readonly HashSet<string> IgnoredTables = new(StringComparer.OrdinalIgnoreCase) { "DataProtectionKeys", "LoginFailures" };
    private static readonly HashSet<string> IgnoredColumns = new(StringComparer.OrdinalIgnoreCase) { "LastUsedAt", "LastUsedIp" };

    public static async Task<string[]> TakeAsync(OrgKeysDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var tables = new List<string>();
            var listTables = db.Database.IsNpgsql()
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = listTables;
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            var rows = new List<string>();
            foreach (var table in tables.Where(t => !IgnoredTables.Contains(t)).Order(StringComparer.Ordinal))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                var tableRows = new List<string>();
                while (await reader.ReadAsync())
                {
                    tableRows.Add(Row(table, reader));
                }

                tableRows.Sort(StringComparer.Ordinal);
                rows.AddRange(tableRows);
            }

            return [.. rows];
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Rows only in <paramref name="before"/> (-) or only in <paramref name="after"/> (+); empty when equal.</summary>
    public static string Diff(string[] before, string[] after)
    {
        var removed = before.Except(after, StringComparer.Ordinal).Select(r => "- " + r);
        var added = after.Except(before, StringComparer.Ordinal).Select(r => "+ " + r);
        var diff = string.Join(Environment.NewLine, removed.Concat(added));
        return diff.Length == 0 && before.Length != after.Length ? $"row count {before.Length} -> {after.Length}" : diff;
    }

    private static string Row(string table, DbDataReader reader)
    {
        var row = new StringBuilder(table).Append(':');
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var column = reader.GetName(i);
            if (IgnoredColumns.Contains(column))
            {
                continue;
            }

            var value = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) switch
            {
                byte[] bytes => Convert.ToHexString(bytes),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString(),
            };
            row.Append(' ').Append(column).Append('=').Append(value);
        }

        return row.ToString();
    }
}
