using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.ApiKeys;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.KeyLimits;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.ApiKeys;

/// <summary><c>POST …/apikeys/{id}/roll</c>: a new secret with the same settings, the old one kept for a grace period.</summary>
/// <remarks>Requests come from a named address (<see cref="PeerApp"/>): a key with an allowlist is judged on it.</remarks>
public class KeyRollTests(PeerApp shared) : IClassFixture<PeerApp>, IAsyncLifetime
{
    private static readonly string[] Everywhere = ["0.0.0.0/0", "::/0"];
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> RollAsync(int id, string json = "{}", HttpClient? client = null, int? org = null) =>
        (client ?? _admin).PostAsync($"/v1/api/organizations/{org ?? _org}/apikeys/{id}/roll", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<HttpStatusCode> UseAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        client.DefaultRequestHeaders.Add(Hardening.TestPeer.Header, "203.0.113.9");
        return (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode;
    }

    private Task<ApiKey> KeyAsync(int id) => _app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));

    [Fact]
    public async Task RollWithGrace_BothKeysWork_ThenTheOldOneStops_AndTheNewKeepsEverySetting()
    {
        var created = await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new
        {
            name = "ci",
            role = "admin",
            ttl = 86400,
            rateLimits = new[] { new { name = "rps", limit = 1000, windowSeconds = 1 } },
            credits = new { remaining = 40, refill = new { amount = 100, interval = "daily" } },
            allowedIps = Everywhere,
        });
        var createdBody = await created.ReadJsonAsync();
        var (oldId, oldKey) = (createdBody.GetProperty("id").GetInt32(), createdBody.GetProperty("apiKey").GetString()!);
        var before = await KeyAsync(oldId);

        var response = await RollAsync(oldId, """{"graceSeconds":60}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        var (newId, newKey) = (body.GetProperty("id").GetInt32(), body.GetProperty("apiKey").GetString()!);
        var now = _app.Time.GetUtcNow().UtcDateTime;
        Assert.Equal(now.AddSeconds(60), body.GetProperty("oldKeyExpires").GetDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.NotEqual(oldKey, newKey);

        var successor = await KeyAsync(newId);
        Assert.Equal(("ci", OrganizationRole.Admin, before.ExpiresAt), (successor.Name, successor.Role, successor.ExpiresAt));
        Assert.Equal((before.RateLimits, before.AllowedIps), (successor.RateLimits, successor.AllowedIps));
        Assert.Equal((40L, 100L, "daily"), (successor.CreditsRemaining!.Value, successor.CreditsRefillAmount!.Value, successor.CreditsRefillInterval!));
        Assert.Equal(oldId, successor.RolledFromId);
        var old = await KeyAsync(oldId);
        Assert.Equal(newId, old.RolledToId);
        Assert.Equal(0, old.CreditsRemaining);
        Assert.Null(old.CreditsRefillAmount);

        var listed = (await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync()).GetProperty("apiKeys").EnumerateArray().ToList();
        Assert.Equal(newId, listed.Single(k => k.GetProperty("id").GetInt32() == oldId).GetProperty("rolledTo").GetInt32());
        Assert.Equal(oldId, listed.Single(k => k.GetProperty("id").GetInt32() == newId).GetProperty("rolledFrom").GetInt32());

        Assert.Equal(HttpStatusCode.OK, await UseAsync(newKey));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(oldKey));
        _app.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(oldKey));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(newKey));

        var entry = await _app.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == ApiKeyLifecycle.ActionRoll));
        Assert.Equal(oldId, entry.ApiKeyId);
        Assert.Equal("apikey.rolled", WebhookEventTypes.ForAuditAction(entry.Action));
    }

    [Fact]
    public async Task RollWithoutGrace_EndsTheOldKeyAtOnce()
    {
        var (oldId, oldKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(oldKey));
        var response = await RollAsync(oldId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(oldKey));
        Assert.Equal(HttpStatusCode.OK, await UseAsync((await response.ReadJsonAsync()).GetProperty("apiKey").GetString()!));
    }

    [Fact]
    public async Task GraceFromFirstUse_StartsWhenTheNewKeyIsFirstUsed()
    {
        var (oldId, oldKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var response = await RollAsync(oldId, """{"graceSeconds":3600,"graceFromFirstUse":true}""");
        var body = await response.ReadJsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("oldKeyExpires").ValueKind);
        var newKey = body.GetProperty("apiKey").GetString()!;

        _app.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(oldKey));
        Assert.Null((await KeyAsync(oldId)).ExpiresAt);

        var firstUse = _app.Time.GetUtcNow().UtcDateTime;
        Assert.Equal(HttpStatusCode.OK, await UseAsync(newKey));
        await _app.WithDbAsync(db => _app.Services.GetRequiredService<ApiKeyUsageTracker>().FlushAsync(db, CancellationToken.None));
        var old = await KeyAsync(oldId);
        Assert.Null(old.PendingGraceSeconds);
        Assert.Equal(firstUse.AddSeconds(3600), old.ExpiresAt!.Value, TimeSpan.FromSeconds(1));

        _app.Time.Advance(TimeSpan.FromSeconds(3599));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(oldKey));
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(oldKey));
    }

    /// <summary>
    /// A busy node uses more keys between two flushes than one SQL statement may bind (SQLite: 32,766): the
    /// flush must still write lastUsed and start a waiting grace, not fail and drop the whole batch.
    /// </summary>
    [Fact]
    public async Task GraceFromFirstUse_StartsEvenWhenTheFlushHoldsMoreKeysThanAStatementMayBind()
    {
        var (oldId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var response = await RollAsync(oldId, """{"graceSeconds":3600,"graceFromFirstUse":true}""");
        var newId = (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
        var tracker = _app.Services.GetRequiredService<ApiKeyUsageTracker>();
        var now = _app.Time.GetUtcNow().UtcDateTime;
        for (var id = 1_000_000; id < 1_033_000; id++)
        {
            tracker.Record(id, now, null); // keys no table holds: only the size of the batch matters
        }

        tracker.Record(newId, now, System.Net.IPAddress.Loopback);
        await _app.WithDbAsync(db => tracker.FlushAsync(db, CancellationToken.None));

        Assert.Equal(now.AddSeconds(3600), (await KeyAsync(oldId)).ExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(now, (await KeyAsync(newId)).LastUsedAt!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task KeyMintedByARolledKey_CannotOutliveIt_AndARolledChildStaysInItsParentsChain()
    {
        var (parentId, parentKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "admin");
        using var byParent = _app.ClientWithKey(parentKey);
        var (childId, childKey) = await OrgKeysApp.CreateKeyAsync(byParent, _org);
        Assert.Null((await KeyAsync(childId)).ExpiresAt);

        Assert.Equal(HttpStatusCode.OK, (await RollAsync(parentId, """{"graceSeconds":600}""")).StatusCode);
        Assert.Equal(_app.Time.GetUtcNow().UtcDateTime.AddSeconds(600), (await KeyAsync(childId)).ExpiresAt!.Value, TimeSpan.FromMilliseconds(1));

        var rolled = await (await RollAsync(childId, """{"graceSeconds":60}""")).ReadJsonAsync();
        var newChild = await KeyAsync(rolled.GetProperty("id").GetInt32());
        Assert.Equal(parentId, newChild.CreatedByApiKeyId);
        Assert.True(newChild.ExpiresAt <= (await KeyAsync(parentId)).ExpiresAt);

        (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{parentId}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(rolled.GetProperty("apiKey").GetString()!));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(childKey));
    }

    [Fact]
    public async Task RollingARolledRevokedOrExpiredKey_Is409_AndMakesNoKey()
    {
        var (rolledId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        (await RollAsync(rolledId, """{"graceSeconds":600}""")).EnsureSuccessStatusCode();
        var (revokedId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{revokedId}")).EnsureSuccessStatusCode();
        var (expiredId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, ttl: 10);
        _app.Time.Advance(TimeSpan.FromSeconds(10));
        var count = await _app.WithDbAsync(db => db.ApiKeys.CountAsync());

        foreach (var (id, why) in new[] { (rolledId, "already rolled"), (revokedId, "revoked"), (expiredId, "expired") })
        {
            var response = await RollAsync(id);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains(why, await response.ReadErrorAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(count, await _app.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [Theory]
    [InlineData("""{"graceSeconds":2592001}""", "'graceSeconds'")]
    [InlineData("""{"graceSeconds":-1}""", "'graceSeconds'")]
    [InlineData("""{"graceSeconds":"60"}""", "'graceSeconds'")]
    [InlineData("""{"graceSeconds":1.5}""", "'graceSeconds'")]
    [InlineData("""{"graceFromFirstUse":"yes"}""", "'graceFromFirstUse'")]
    [InlineData("""[]""", "JSON")]
    public async Task BadRoll_Is400_AndChangesNothing(string json, string field)
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var response = await RollAsync(id, json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await _app.WithDbAsync(db => db.ApiKeys.CountAsync()));
        Assert.Null((await KeyAsync(id)).RolledToId);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task AnotherOrganizationsKey_Is404_AndMembersMayNotRoll()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (_, olga) = await _app.SignedInUserAsync("olga");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(olga, "Other");
        Assert.Equal(HttpStatusCode.NotFound, (await RollAsync(id, client: olga, org: otherOrg)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RollAsync(id, client: olga)).StatusCode);

        var (_, mallory) = await _app.SignedInUserAsync("mallory");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "mallory", "member")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RollAsync(id, client: mallory)).StatusCode);
        Assert.Null((await KeyAsync(id)).RolledToId);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task RollThatWouldBreakThePolicy_IsRefusedWithTheRule()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikey-policy", new { requireExpiry = true })).StatusCode);
        var response = await RollAsync(id);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("(requireExpiry)", await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Null((await KeyAsync(id)).RolledToId);
    }
}
