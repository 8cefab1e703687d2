using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StandardWebhooks;

namespace OrgKeys.Webhooks;

/// <summary>What one attempt came to: a status code, or an error without one.</summary>
public sealed record WebhookAttemptResult(bool Delivered, int? StatusCode, int DurationMs, string? Error);

/// <summary>
/// Sends one signed delivery. The connection is made by <see cref="ConnectAsync"/>, which resolves the
/// name itself and refuses any address that is not allowed, so DNS cannot be used to reach inside
/// after the URL was checked. No redirect is followed; the body of the answer is not read beyond a
/// few bytes.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private const int MaxResponseBytes = 1024;
    private readonly HttpClient _client;
    private readonly WebhookDestinations _destinations;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookDestinations destinations, TimeProvider time)
    {
        _destinations = destinations;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
            ConnectTimeout = WebhookOptions.Timeout,
            // Connections are not kept long, so a name is resolved (and judged) again soon.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 16,
        };
        _client = new HttpClient(handler) { Timeout = WebhookOptions.Timeout };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("OrgKeys-Webhooks/1");
    }

    public async Task<WebhookAttemptResult> SendAsync(string url, byte[] secret, string messageId, string payload, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var timestamp = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhook(secret).Sign(messageId, timestamp, payload));
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await DrainAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            var delivered = status is >= 200 and < 300;
            return new(delivered, status, Elapsed(started), delivered ? null : $"The receiver answered {status}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new(false, null, Elapsed(started), Describe(e));
        }
    }

    private static async Task DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Read a little so the connection can be reused, never the whole of an endless answer.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxResponseBytes];
        _ = await body.ReadAsync(buffer, cancellationToken);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(_destinations.IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, DestinationRefused);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal const string DestinationRefused = "The destination resolves to no public address.";

    private static string Describe(Exception e) => e switch
    {
        HttpRequestException { Message: DestinationRefused } => DestinationRefused,
        HttpRequestException { InnerException: HttpRequestException { Message: DestinationRefused } } => DestinationRefused,
        TaskCanceledException => "The receiver did not answer within 10 seconds.",
        _ => "The receiver could not be reached.",
    };

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    public void Dispose() => _client.Dispose();
}
