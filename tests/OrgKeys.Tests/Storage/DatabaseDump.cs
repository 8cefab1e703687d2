using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Storage;

/// <summary>The whole database as a thief would read it: every cell of every table, in every encoding a secret could hide in.</summary>
internal static class DatabaseDump
{
    /// <summary>Every value as text, and every blob or base64 text as hex and UTF-8, so any encoding of a secret shows.</summary>
    public static IEnumerable<string> Renderings(object value)
    {
        if (value is byte[] bytes)
        {
            yield return Convert.ToHexStringLower(bytes);
            yield return Encoding.UTF8.GetString(bytes);
            yield return Encoding.Latin1.GetString(bytes);
            yield break;
        }

        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        yield return text;
        yield return Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            yield return Convert.ToHexStringLower(buffer.AsSpan(0, written));
            yield return Encoding.UTF8.GetString(buffer, 0, written);
        }
    }

    /// <summary>Every column of every row of every table, read with plain ADO.NET, as (table.column, rendering).</summary>
    public static Task<List<(string Where, string Text)>> ReadAsync(OrgKeysApp app) => app.WithDbAsync(async db =>
    {
        var dump = new List<(string, string)>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var tables = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = db.Provider() == DatabaseProvider.Postgres
                    ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    : "SELECT name FROM sqlite_master WHERE type = 'table'";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Table names come from the database's own catalog.
                command.CommandText = $"SELECT * FROM \"{table}\"";
#pragma warning restore CA2100
                await using var reader = await command.ExecuteReaderAsync();
                dump.Add(($"{table}", "(table)"));
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        if (!await reader.IsDBNullAsync(i))
                        {
                            dump.AddRange(Renderings(reader.GetValue(i)).Select(text => ($"{table}.{reader.GetName(i)}", text)));
                        }
                    }
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return dump;
    });
}
