using Microsoft.Extensions.DependencyInjection;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Caching;

public class AuthCacheTests
{
    private static string MadeUpKey()
    {
        var body = ApiKeyFormat.Prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(28));
        return body + System.IO.Hashing.Crc32.HashToUInt32(System.Text.Encoding.ASCII.GetBytes(body)).ToString("x8");
    }

    [Fact]
    public async Task CachedKey_DoesNoSql()
    {
        await using var app = new OrgKeysApp();
        await app.WaitForCacheAsync();
        var (_, admin) = await app.SignedInUserAsync("alice");
        var (_, key) = await OrgKeysApp.CreateOrganizationAsync(admin);

        await app.SettleAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<ApiKeyVerifier>();
        Assert.NotNull((await verifier.VerifyAsync(key, scope.ServiceProvider, default)).Caller);
        var before = app.Commands.Count;
        for (var i = 0; i < 100; i++)
        {
            Assert.NotNull((await verifier.VerifyAsync(key, scope.ServiceProvider, default)).Caller);
        }

        Assert.Equal(before, app.Commands.Count);
    }

    [Fact]
    public async Task MadeUpKey_IsLookedUpOnce_ThenRefusedWithoutSql()
    {
        await using var app = new OrgKeysApp();
        await app.WaitForCacheAsync();
        await app.SettleAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<ApiKeyVerifier>();
        var madeUp = MadeUpKey();

        var before = app.Commands.Count;
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Refusal.UnknownApiKey.Message, (await verifier.VerifyAsync(madeUp, scope.ServiceProvider, default)).Refusal?.Message);
        }

        Assert.Equal(before + 1, app.Commands.Count);
    }

    [Fact]
    public async Task Cache_StaysWithinItsCapacity()
    {
        await using var app = new OrgKeysApp(new() { ["OrgKeys:AuthCache:Capacity"] = "8" });
        await app.WaitForCacheAsync();
        var (_, admin) = await app.SignedInUserAsync("alice");
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(admin);
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add((await admin.AddKeyAsync(org, new { name = $"k{i}", role = "member" })).Key);
        }

        await app.SettleAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<ApiKeyVerifier>();
        foreach (var key in keys)
        {
            Assert.NotNull((await verifier.VerifyAsync(key, scope.ServiceProvider, default)).Caller);
            Assert.Null((await verifier.VerifyAsync(MadeUpKey(), scope.ServiceProvider, default)).Caller);
            Assert.InRange(app.Cache().ApiKeys.Count, 1, 8);
            Assert.InRange(app.Cache().UnknownKeys.Count, 1, 8);
        }

        // Still correct after evictions: every key verifies.
        foreach (var key in keys)
        {
            Assert.NotNull((await verifier.VerifyAsync(key, scope.ServiceProvider, default)).Caller);
        }
    }

    [Fact]
    public void Fill_AfterAChangeRacedTheLookup_KeepsNothing()
    {
        var cache = NewCache();
        var now = DateTimeOffset.UtcNow;
        var generation = cache.Generation;
        // ... the lookup reads the database; meanwhile a revocation is applied ...
        cache.Apply(AuthChange.ApiKey(1));
        cache.Fill(cache.ApiKeys, default, new CachedApiKey(new VerifiedApiKey(1, 1, OrganizationRole.Admin, null), false), generation, now);

        Assert.False(cache.TryGet(cache.ApiKeys, default(CacheKey), now, out _));
    }

    [Fact]
    public void Disabled_CacheKeepsAndAnswersNothing()
    {
        var cache = NewCache();
        var now = DateTimeOffset.UtcNow;
        cache.Fill(cache.Users, 1, new CachedUser(false, 0), cache.Generation, now);
        cache.Enabled = false;

        Assert.False(cache.TryGet(cache.Users, 1, now, out _));
        cache.Fill(cache.Users, 1, new CachedUser(false, 0), cache.Generation, now);
        Assert.Equal(0, cache.Users.Count);
    }

    [Theory]
    [InlineData("k:42:0", AuthChangeKind.ApiKey, 42, 0)]
    [InlineData("m:7:9", AuthChangeKind.Membership, 7, 9)]
    [InlineData("garbage", AuthChangeKind.All, 0, 0)]
    [InlineData("z:1:2", AuthChangeKind.All, 0, 0)]
    public void AuthChange_RoundTripsAndFailsSafe(string payload, AuthChangeKind kind, int id, int other)
    {
        var change = AuthChange.Parse(payload);
        Assert.Equal(new AuthChange(kind, id, other), change);
        Assert.Equal(change, AuthChange.Parse(change.Format()));
    }

    private static AuthCache NewCache()
    {
        return new AuthCache(Microsoft.Extensions.Options.Options.Create(new AuthCacheOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<AuthCache>.Instance) { Enabled = true };
    }
}
