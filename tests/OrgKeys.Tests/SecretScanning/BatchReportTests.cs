using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.SecretScanning;

/// <summary>A report of a thousand tokens of every kind, handled as a batch: every label and every resulting state.</summary>
public class BatchReportTests(ScanningApp shared) : IClassFixture<ScanningApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;

    public Task InitializeAsync() => _app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static async Task<List<(int Id, string Key)>> MintAsync(HttpClient admin, int org, int count, long? ttl = null)
    {
        var keys = new List<(int, string)>();
        for (var i = 0; i < count; i++)
        {
            keys.Add(await OrgKeysApp.CreateKeyAsync(admin, org, ttl: ttl, name: $"k{i}"));
        }

        return keys;
    }

    [Fact]
    public async Task ThousandMixedTokens_EachGetsItsLabel_AndEachKeyItsPolicy()
    {
        var (_, admin) = await _app.SignedInUserAsync("alice");
        var (revoking, _) = await OrgKeysApp.CreateOrganizationAsync(admin, "Revokes");
        var (notifying, _) = await OrgKeysApp.CreateOrganizationAsync(admin, "Notifies");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/v1/api/organizations/{notifying}/apikey-policy", new { onExposure = "notify" })).StatusCode);

        var liveA = await MintAsync(admin, revoking, 150);
        var liveB = await MintAsync(admin, notifying, 100);
        var revoked = await MintAsync(admin, revoking, 30);
        foreach (var (id, _) in revoked)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/v1/api/organizations/{revoking}/apikeys/{id}")).StatusCode);
        }

        var expired = await MintAsync(admin, revoking, 5, ttl: 60);
        _app.Time.Advance(TimeSpan.FromMinutes(2));
        var (minter, minterKey) = await OrgKeysApp.CreateKeyAsync(admin, revoking, role: "admin");
        liveA.Add((minter, minterKey));
        using var asMinter = _app.ClientWithKey(minterKey);
        var (child, childKey) = await OrgKeysApp.CreateKeyAsync(asMinter, revoking);
        var (_, unreported) = await OrgKeysApp.CreateKeyAsync(admin, revoking);
        var revokedBefore = await _app.WithDbAsync(db => db.ApiKeys.Where(k => k.RevokedAt != null).ToDictionaryAsync(k => k.Id, k => k.RevokedAt));

        var made = Enumerable.Range(0, 300).Select(_ => ApiKeyFormat.Generate()).ToList();
        var badChecksum = Enumerable.Range(0, 200).Select(_ => "ei_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).ToList();
        var ours = liveA.Concat(liveB).Concat(revoked).Concat(expired).Select(k => k.Key).ToList();
        var tokens = ours.Concat(made).Concat(badChecksum)
            .Concat(liveA.Take(20).Select(k => k.Key)).Concat(liveB.Take(10).Select(k => k.Key)).Concat(revoked.Take(5).Select(k => k.Key)).Concat(made.Take(10))
            .ToList();
        tokens.AddRange(Enumerable.Range(0, 1000 - tokens.Count).Select(i => $"not a key {i}"));
        Assert.Equal(1000, tokens.Count);
        var shuffled = tokens.OrderBy(_ => Random.Shared.Next()).ToList();

        using (var before = _app.ClientWithKey(liveA[0].Key))
        {
            // Cached as live before the report: the report must reach the cache.
            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync($"/v1/api/organizations/{revoking}")).StatusCode);
        }

        using var github = _app.CreateClient();
        var response = await github.SendAsync(ScanningApp.Report(ScanningApp.Tokens([.. shuffled])));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var feedback = (await response.ReadJsonAsync()).EnumerateArray().ToList();

        // Every label, in the order sent.
        var ourSet = ours.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(shuffled.Count, feedback.Count);
        for (var i = 0; i < shuffled.Count; i++)
        {
            Assert.Equal(Sha256(shuffled[i]), feedback[i].GetProperty("token_hash").GetString());
            Assert.Equal(ourSet.Contains(shuffled[i]) ? "true_positive" : "false_positive", feedback[i].GetProperty("label").GetString());
        }

        // Every state: one exposure a key however often it was reported, with what was done.
        var exposures = await _app.WithDbAsync(db => db.ApiKeyExposures.ToListAsync());
        Assert.Equal(ours.Count, exposures.Count);
        var actions = exposures.ToDictionary(e => e.ApiKeyId, e => e.Action);
        Assert.All(liveA, k => Assert.Equal("revoked", actions[k.Id]));
        Assert.All(liveB, k => Assert.Equal("notified", actions[k.Id]));
        Assert.All(revoked.Concat(expired), k => Assert.Equal("none", actions[k.Id]));

        var keys = await _app.WithDbAsync(db => db.ApiKeys.ToDictionaryAsync(k => k.Id, k => k.RevokedAt));
        Assert.All(liveA, k => Assert.NotNull(keys[k.Id]));
        Assert.NotNull(keys[child]); // the cascade
        Assert.All(liveB, k => Assert.Null(keys[k.Id]));
        Assert.All(expired, k => Assert.Null(keys[k.Id]));
        Assert.All(revokedBefore, k => Assert.Equal(k.Value, keys[k.Key]));

        // The audit log and the outbox: an exposure each, a revocation for each key the report revoked.
        var audit = await _app.WithDbAsync(db => db.AuditEntries.Where(a => a.ActorName == "secret scanning: github").ToListAsync());
        Assert.Equal(ours.Count, audit.Count(a => a.Action == "apikey.exposed"));
        Assert.Equal(liveA.Select(k => k.Id).Order(), audit.Where(a => a.Action == "apikey.revoke").Select(a => a.ApiKeyId!.Value).Order());
        var events = await _app.WithDbAsync(db => db.WebhookEvents.Where(e => e.AuditEntry!.ActorName == "secret scanning: github")
            .GroupBy(e => e.Type).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));
        Assert.Equal(ours.Count, events["apikey.exposed"]);
        Assert.Equal(liveA.Count, events["apikey.revoked"]);

        // Refused at once (the cache forgot them), the notify organization's keys and the unreported key still work.
        foreach (var (key, org, status) in new[]
        {
            (liveA[0].Key, revoking, HttpStatusCode.Unauthorized), (liveA[^1].Key, revoking, HttpStatusCode.Unauthorized),
            (childKey, revoking, HttpStatusCode.Unauthorized), (liveB[0].Key, notifying, HttpStatusCode.OK), (unreported, revoking, HttpStatusCode.OK),
        })
        {
            using var client = _app.ClientWithKey(key);
            Assert.Equal(status, (await client.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }
    }
}
