using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.ApiKeys;
using OrgKeys.Data;
using OrgKeys.Secrets;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Storage;

/// <summary>
/// A stolen database (or data folder) must not hold a usable secret: no API key, password, session
/// token, server secret or JWT signing key, in any column of any table, in any encoding.
/// </summary>
public class SecretsAtRestTests : IAsyncLifetime
{
    private const string CustomKey = "ei_custom-key-that-must-never-be-stored-0123";
    private readonly OrgKeysApp _app = new();
    private readonly string _password = $"pw-{Guid.NewGuid():N}";
    private readonly List<(string Name, string Needle)> _secrets = [];
    private string _generatedKey = null!;

    public async Task InitializeAsync()
    {
        await _app.CreateUserAsync("alice", password: _password);
        var jwt = await _app.LoginAsync("alice", _password);
        using var alice = _app.ClientWithJwt(jwt);
        var (org, orgKey) = await OrgKeysApp.CreateOrganizationAsync(alice);
        (_, _generatedKey) = await OrgKeysApp.CreateKeyAsync(alice, org, role: "admin", ttl: 3600);
        await OrgKeysApp.CreateKeyAsync(alice, org, apiKey: CustomKey);
        foreach (var key in new[] { orgKey, _generatedKey, CustomKey })
        {
            using var withKey = _app.ClientWithKey(key);
            Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }

        var tracker = _app.Services.GetRequiredService<ApiKeyUsageTracker>();
        await _app.WithDbAsync(db => tracker.FlushAsync(db, CancellationToken.None));

        AddText("password", _password);
        AddText("jwt", jwt);
        AddText("jwt signature", jwt.Split('.')[2]);
        foreach (var (name, key) in new[] { ("organization key", orgKey), ("generated key", _generatedKey), ("custom key", CustomKey) })
        {
            AddText(name, key);
            AddText($"{name} without prefix", key[ApiKeyFormat.Prefix.Length..]);
        }

        var secretFile = Path.Combine(_app.Services.GetRequiredService<DataDirectory>().Path, "server-secret");
        var serverSecret = File.ReadAllText(secretFile).Trim();
        AddText("server secret", serverSecret);
        AddBytes("server secret", Convert.FromBase64String(serverSecret));
        var derived = _app.Services.GetRequiredService<ServerSecret>();
        AddBytes("api key pepper", derived.ApiKeyPepper);
        AddBytes("sealing key", derived.SealingKey);
        AddBytes("jwt signing key", _app.Services.GetRequiredService<ServerKeyStore>().JwtSigningKey);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void AddText(string name, string value)
    {
        _secrets.Add((name, value));
        _secrets.Add(($"{name} (hex)", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value))));
    }

    private void AddBytes(string name, byte[] value)
    {
        _secrets.Add(($"{name} (hex)", Convert.ToHexStringLower(value)));
        _secrets.Add(($"{name} (base64)", Convert.ToBase64String(value)));
    }

    /// <summary>Every value as text, and every blob or base64 text as hex and UTF-8, so any encoding of a secret shows.</summary>
    private static IEnumerable<string> Renderings(object value)
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
    private Task<List<(string Where, string Text)>> DumpDatabaseAsync() => _app.WithDbAsync(async db =>
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

    [Fact]
    public async Task NoTableHoldsAnyPlaintextSecret()
    {
        var dump = await DumpDatabaseAsync();

        // The control: the dump does see every table, blobs included (the generated key's HMAC).
        var tables = dump.Where(d => d.Text == "(table)").Select(d => d.Where).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Superset(new HashSet<string>(["Users", "Organizations", "Members", "ApiKeys", "ServerKeys", "DataProtectionKeys"], StringComparer.OrdinalIgnoreCase), tables);
        var hash = Convert.ToHexStringLower(_app.Services.GetRequiredService<ApiKeyHasher>().Hash(_generatedKey));
        Assert.Contains(dump, d => d.Where.EndsWith(".KeyHash", StringComparison.OrdinalIgnoreCase) && d.Text == hash);
        Assert.Contains(dump, d => d.Text == ApiKeyFormat.Mask(CustomKey));

        var leaks = (from secret in _secrets
                     from cell in dump
                     where cell.Text.Contains(secret.Needle, StringComparison.OrdinalIgnoreCase)
                     select $"{secret.Name} in {cell.Where}").Distinct().ToList();
        Assert.Empty(leaks);
    }

    [Fact]
    public async Task NoFileInTheDataFolder_ButTheServerSecretFile_HoldsAnyPlaintextSecret()
    {
        // SQLite's database and WAL files hold the raw pages, free ones included; on PostgreSQL the folder holds only the secret.
        var folder = _app.Services.GetRequiredService<DataDirectory>().Path;
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "server-secret").ToList();
        if (!TestPostgres.Enabled)
        {
            Assert.Contains(files, f => Path.GetFileName(f) == "orgkeys.db");
        }

        var leaks = new List<string>();
        foreach (var file in files)
        {
            byte[] raw;
            try
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                raw = memory.ToArray();
            }
            catch (FileNotFoundException)
            {
                // SQLite removes its -wal and -shm files when the last connection closes: a file gone holds nothing.
                continue;
            }

            var renderings = new[] { Encoding.Latin1.GetString(raw), Convert.ToHexStringLower(raw) };
            leaks.AddRange(from secret in _secrets
                           where renderings.Any(r => r.Contains(secret.Needle, StringComparison.OrdinalIgnoreCase))
                           select $"{secret.Name} in {Path.GetFileName(file)}");
        }

        Assert.Empty(leaks);
    }
}
