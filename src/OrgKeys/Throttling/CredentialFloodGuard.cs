using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Infrastructure;

namespace OrgKeys.Throttling;

/// <summary>
/// Floods of invalid credentials from one address get 429 before any hashing or lookup: after
/// <c>OrgKeys:Throttle:FailedCredentialsPerWindow</c> refused credentials (default 100) within
/// <c>OrgKeys:Throttle:Window</c> (10 s), the address is refused until the window ends. 0 turns it off.
/// </summary>
public sealed class CredentialFloodGuard(TimeProvider time, IOptions<ThrottleOptions> options)
{
    private const int MaxTracked = 100_000;

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Failures;
    }

    private readonly int _limit = options.Value.FailedCredentialsPerWindow;
    private readonly TimeSpan _window = options.Value.Window;
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (_limit <= 0 || !_windows.TryGetValue(address ?? IPAddress.None, out var window))
        {
            return null;
        }

        var left = window.Start + _window - time.GetUtcNow();
        return left > TimeSpan.Zero && Volatile.Read(ref window.Failures) >= _limit ? left : null;
    }

    public void Refused(IPAddress? address)
    {
        if (_limit <= 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_windows.Count >= MaxTracked)
        {
            foreach (var (key, old) in _windows)
            {
                if (now - old.Start >= _window)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        // No address (a Unix socket, an in-process test server) counts as one address of its own.
        var window = _windows.AddOrUpdate(
            address ?? IPAddress.None,
            static (_, state) => new Window(state.Now),
            static (_, w, state) => state.Now - w.Start >= state.Length ? new Window(state.Now) : w,
            (Now: now, Length: _window));
        Interlocked.Increment(ref window.Failures);
    }
}

internal static class CredentialFloodGuardExtensions
{
    /// <summary>Before authentication: a request that carries a credential from a flooding address is a cheap 429.</summary>
    public static IApplicationBuilder UseCredentialFloodGuard(this IApplicationBuilder app)
    {
        var guard = app.ApplicationServices.GetRequiredService<CredentialFloodGuard>();
        var carriers = app.ApplicationServices.GetRequiredService<CredentialCarriers>();
        // The answer a flood gets over and over is made once: its body, and Retry-After for the first minute's seconds.
        var body = ApiResults.Serialize(app.ApplicationServices, "Too many requests with invalid credentials from your address; try again later.");
        var seconds = Enumerable.Range(0, 61).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
        return app.Use((http, next) =>
        {
            if (CarriesCredential(http.Request, carriers) && guard.RetryAfter(http.Connection.RemoteIpAddress) is { } wait)
            {
                var retryAfter = (long)Math.Ceiling(wait.TotalSeconds);
                http.Response.Headers.RetryAfter = retryAfter < seconds.Length ? seconds[retryAfter] : retryAfter.ToString(CultureInfo.InvariantCulture);
                return ApiResults.WriteAsync(http, StatusCodes.Status429TooManyRequests, body);
            }

            return next(http);
        });
    }

    /// <summary>Any Authorization header counts, not only Bearer: a flooding address waits whatever it sends.</summary>
    private static bool CarriesCredential(HttpRequest request, CredentialCarriers carriers) =>
        request.Headers.ContainsKey(HeaderNames.Authorization) || carriers.AnyPresent(request);
}

/// <summary>The flood guard against invalid credentials: <c>OrgKeys:Throttle</c>.</summary>
public sealed class ThrottleOptions
{
    public const string Section = "OrgKeys:Throttle";

    /// <summary>Refused credentials one address may present within <see cref="Window"/>; 0 turns the guard off.</summary>
    public int FailedCredentialsPerWindow { get; set; } = 100;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid() => FailedCredentialsPerWindow >= 0 && Window > TimeSpan.Zero && Window <= TimeSpan.FromHours(1);
}
