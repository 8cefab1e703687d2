using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OrgKeys.Tests.Webhooks;

/// <summary>A real HTTP receiver on 127.0.0.1 (Kestrel, a free port) that keeps every request it gets.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Received(string Path, string Id, string Timestamp, string Signature, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string Type => Json.GetProperty("type").GetString()!;
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The status of each answer, by request count (1-based); 200 unless it says otherwise.</summary>
    public Func<int, int> Status { get; set; } = _ => 200;

    public string Url { get; }

    private WebhookReceiver(WebApplication app, string url) => (_app, Url) = (app, url);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var h = http.Request.Headers;
            receiver!.Requests.Enqueue(new(http.Request.Path, h["webhook-id"].ToString(), h["webhook-timestamp"].ToString(), h["webhook-signature"].ToString(), body));
            var status = receiver.Status(receiver.Requests.Count);
            http.Response.StatusCode = status;
            if (status is >= 300 and < 400)
            {
                http.Response.Headers.Location = "/elsewhere";
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver = new WebhookReceiver(app, address + "/hook");
        return receiver;
    }

    /// <summary>Standard Webhooks, checked here from the specification, not with the library that signed.</summary>
    public static bool Verifies(Received request, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.Id}.{request.Timestamp}.{request.Body}")));
        return request.Signature.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
