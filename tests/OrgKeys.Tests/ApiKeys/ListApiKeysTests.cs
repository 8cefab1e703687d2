using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrgKeys.ApiKeys;
using OrgKeys.Data;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary>The key listing: masked hints only, who created each key, and when it was last used.</summary>
public class ListApiKeysTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _alice;
    private int _org;
    private string _orgKey = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_alice, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _orgKey) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(string Text, Dictionary<int, JsonElement> Keys)> ListAsync()
    {
        var response = await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(body.GetProperty("success").GetBoolean());
        return (text, body.GetProperty("apiKeys").EnumerateArray().ToDictionary(k => k.GetProperty("id").GetInt32()));
    }

    private async Task UseAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    /// <summary>A new key, used once at a whole second (the listing's precision): its id and that second.</summary>
    private async Task<(int Id, DateTime UsedAt)> CreateAndUseKeyAsync()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var usedAt = _app.AdvanceToWholeSecond();
        await UseAsync(key);
        return (id, usedAt);
    }

    private Task<DateTime?> StoredLastUsedAsync(int id) =>
        _app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.LastUsedAt).SingleAsync());

    private async Task<DateTime> ListedLastUsedAsync(int id) =>
        (await ListAsync()).Keys[id].GetProperty("lastUsed").GetProperty("date").GetDateTime();

    [Fact]
    public async Task List_ShowsOnlyMaskedHints_NeverTheSecret()
    {
        var (generatedId, generated) = await OrgKeysApp.CreateKeyAsync(_admin, _org, name: "generated");
        const string custom = "ei_my-custom-listing-key-0123456789abcdef";
        var (customId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, apiKey: custom, name: "custom");

        var (text, keys) = await ListAsync();
        Assert.Equal(3, keys.Count);
        foreach (var secret in new[] { generated, custom, _orgKey })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[7..^4], text, StringComparison.Ordinal);
        }

        foreach (var key in keys.Values)
        {
            Assert.Matches(@"^ei_\S{4}…\S{4}$", key.GetProperty("apiKey").GetString());
        }

        Assert.Equal($"{generated[..7]}…{generated[^4..]}", keys[generatedId].GetProperty("apiKey").GetString());
        Assert.Equal("ei_my-c…cdef", keys[customId].GetProperty("apiKey").GetString());
    }

    [Fact]
    public async Task List_HasTheContractShape()
    {
        var created = _app.AdvanceToWholeSecond();
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "admin", name: "deploy");
        var key = (await ListAsync()).Keys[id];

        Assert.Equal("deploy", key.GetProperty("name").GetString());
        Assert.Equal("admin", key.GetProperty("role").GetString());
        Assert.Equal(created, key.GetProperty("created").GetDateTime());
        Assert.False(key.GetProperty("isTransformationJobKey").GetBoolean());
        var creator = key.GetProperty("createdByUser");
        Assert.Equal(_alice, creator.GetProperty("id").GetInt32());
        Assert.Equal("alice", creator.GetProperty("username").GetString());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("expires").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("lastUsed").ValueKind);
    }

    [Fact]
    public async Task List_DoesNotShowKeysOfOtherOrganizations()
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other");
        var (otherId, _) = await OrgKeysApp.CreateKeyAsync(bob, otherOrg);
        Assert.DoesNotContain(otherId, (await ListAsync()).Keys.Keys);
    }

    [Fact]
    public async Task LastUsed_IsListedRightAfterAUse()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (unusedId, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        var usedAt = _app.AdvanceToWholeSecond();
        await UseAsync(key);

        var keys = (await ListAsync()).Keys;
        Assert.Equal(usedAt, keys[id].GetProperty("lastUsed").GetProperty("date").GetDateTime());
        Assert.Equal(JsonValueKind.Null, keys[unusedId].GetProperty("lastUsed").ValueKind);
    }

    [Fact]
    public async Task LastUsed_IsWrittenToTheDatabase_ByTheFlush_AndStillListedAfter()
    {
        var (id, usedAt) = await CreateAndUseKeyAsync();

        var tracker = _app.Services.GetRequiredService<ApiKeyUsageTracker>();
        await _app.WithDbAsync(db => tracker.FlushAsync(db, CancellationToken.None));
        Assert.Equal(usedAt, await StoredLastUsedAsync(id));
        Assert.Equal(usedAt, await ListedLastUsedAsync(id));
    }

    [Fact]
    public async Task LastUsed_IsListedWhileTheFlushWritesIt()
    {
        var (id, usedAt) = await CreateAndUseKeyAsync();

        // The flush has taken the use out of memory and holds its transaction open: the database does
        // not show the use to other connections yet, and the listing must still.
        var tracker = _app.Services.GetRequiredService<ApiKeyUsageTracker>();
        var gate = new CommitGate();
        var options = new DbContextOptionsBuilder<OrgKeysDbContext>(_app.Services.GetRequiredService<DbContextOptions<OrgKeysDbContext>>())
            .AddInterceptors(gate).Options;
        await using var db = new OrgKeysDbContext(options);
        var flush = tracker.FlushAsync(db, CancellationToken.None);
        await gate.Committing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            Assert.Null(await StoredLastUsedAsync(id));
            Assert.Equal(usedAt, await ListedLastUsedAsync(id));
        }
        finally
        {
            gate.Release.SetResult();
            await flush;
        }

        Assert.Equal(usedAt, await ListedLastUsedAsync(id));
    }

    private sealed class CommitGate : DbTransactionInterceptor
    {
        public TaskCompletionSource Committing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
            System.Data.Common.DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Committing.TrySetResult();
            await Release.Task;
            return result;
        }
    }

    [Fact]
    public async Task LastUsed_IsWrittenToTheDatabase_WhenTheWriterStops()
    {
        var (id, usedAt) = await CreateAndUseKeyAsync();

        // The write-behind runs every few seconds; on shutdown it must write what is pending. The
        // writer is stopped on its own: stopping the whole test host races with Program's RunAsync,
        // which disposes the services as soon as its own StopAsync returns.
        var writer = _app.Services.GetServices<IHostedService>().OfType<ApiKeyUsageWriter>().Single();
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(usedAt, await StoredLastUsedAsync(id));
    }

    [Fact]
    public async Task LastUsed_NeverGoesBackInTime()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var tracker = _app.Services.GetRequiredService<ApiKeyUsageTracker>();
        var later = _app.AdvanceToWholeSecond().AddMinutes(10);
        _app.Time.SetUtcNow(later);
        await UseAsync(key);
        await _app.WithDbAsync(db => tracker.FlushAsync(db, CancellationToken.None));

        // A use recorded late (by a slow request) with an older time must not overwrite the newer one.
        tracker.Record(id, later.AddMinutes(-5), null);
        await _app.WithDbAsync(db => tracker.FlushAsync(db, CancellationToken.None));
        Assert.Equal(later, await StoredLastUsedAsync(id));
    }
}
