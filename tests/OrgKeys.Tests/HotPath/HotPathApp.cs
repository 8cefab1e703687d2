using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Auth.Caching;
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

    public static async Task<(int Id, string Key)> AddKeyAsync(this HttpClient client, int organizationId, object body)
    {
        var response = await client.PostAsJsonAsync($"/v1/api/organizations/{organizationId}/apikeys", body);
        response.EnsureSuccessStatusCode();
        var json = await response.ReadJsonAsync();
        return (json.GetProperty("id").GetInt32(), json.GetProperty("apiKey").GetString()!);
    }
}
