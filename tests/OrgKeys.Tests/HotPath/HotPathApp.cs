using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Authentication.Caching;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.HotPath;

internal static class HotPathApp
{
    public static AuthCache Cache(this OrgKeysApp app) => app.Services.GetRequiredService<AuthCache>();

    /// <summary>On PostgreSQL the cache turns on once the LISTEN connection is up; on SQLite at once.</summary>
    public static async Task WaitForCacheAsync(this OrgKeysApp app)
    {
        var cache = app.Cache();
        for (var i = 0; i < 200 && !cache.Enabled; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(cache.Enabled, "the auth cache never turned on");
    }

    /// <summary>
    /// On PostgreSQL a node also hears its own changes back by NOTIFY, a little later; each one that
    /// arrives drops entries and stops a lookup already under way from filling the cache (as it
    /// must). A test that counts cache hits first waits for the echoes of its setup: until no change
    /// has been applied for half a second. On SQLite nothing echoes and this returns at once.
    /// </summary>
    public static async Task SettleAsync(this OrgKeysApp app)
    {
        if (!TestPostgres.Enabled)
        {
            return;
        }

        var cache = app.Cache();
        var generation = cache.Generation;
        for (var (quiet, waited) = (0, 0); quiet < 10 && waited < 200; waited++)
        {
            await Task.Delay(50);
            var now = cache.Generation;
            quiet = now == generation ? quiet + 1 : 0;
            generation = now;
        }
    }

    public static async Task<(int Id, string Key)> AddKeyAsync(this HttpClient client, int organizationId, object body)
    {
        var response = await client.PostAsJsonAsync($"/v1/api/organizations/{organizationId}/apikeys", body);
        response.EnsureSuccessStatusCode();
        var json = await response.ReadJsonAsync();
        return (json.GetProperty("id").GetInt32(), json.GetProperty("apiKey").GetString()!);
    }
}
