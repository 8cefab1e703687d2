using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.Webhooks;

/// <summary>A host whose webhooks may reach loopback (the receiver), with the worker's rounds run by the tests.</summary>
public sealed class WebhookApp() : SharedApp(new OrgKeysApp(new() { ["OrgKeys:Webhooks:AllowPrivateNetworks"] = "true" }))
{
    public Task<int> DeliverAsync() => App.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);

    public static string Path(int org) => $"/v1/api/organizations/{org}/webhooks";

    public static async Task<(int Id, string Secret)> CreateAsync(HttpClient admin, int org, string url, params string[] events)
    {
        var response = await admin.PostAsJsonAsync(Path(org), new { url, events, description = "test" });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        return (body.GetProperty("id").GetInt32(), body.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement[]> DeliveriesAsync(HttpClient admin, int org, int webhook)
    {
        var body = await (await admin.GetAsync($"{Path(org)}/{webhook}/deliveries")).ReadJsonAsync();
        return [.. body.GetProperty("deliveries").EnumerateArray()];
    }
}
