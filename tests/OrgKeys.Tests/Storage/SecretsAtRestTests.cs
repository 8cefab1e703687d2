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

    private Task<List<(string Where, string Text)>> DumpDatabaseAsync() => DatabaseDump.ReadAsync(_app);

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
