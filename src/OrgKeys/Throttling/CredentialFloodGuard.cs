using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Infrastructure;

namespace OrgKeys.Throttling;

/// <summary>
/// Floods of invalid credentials from one address get 429 before any database lookup: after
/// <c>OrgKeys:Throttle:FailedCredentialsPerWindow</c> refused credentials (default 100) within
/// <c>OrgKeys:Throttle:Window</c> (10 s), the address's credentials that memory does not know to be
/// valid are refused until the window ends. 0 turns it off.
/// </summary>
public sealed class CredentialFloodGuard(TimeProvider time, IOptions<ThrottleOptions> options)
{
    private readonly int _limit = options.Value.FailedCredentialsPerWindow;
    private readonly AddressWindows _windows = new(time, options.Value.Window);

    public TimeSpan? RetryAfter(IPAddress? address) =>
        _limit > 0 && _windows.Count(address, out var left) >= _limit ? left : null;

    public void Refused(IPAddress? address)
    {
        if (_limit > 0)
        {
            _windows.Add(address, out _);
        }
    }
}

internal static class CredentialFloodGuardExtensions
{
    /// <summary>
    /// Before authentication: a request that carries a credential from a flooding address is a cheap
    /// 429, unless every credential it carries is known to be valid from memory alone. Behind a proxy
    /// every client shares one address, so one client's flood must not lock out the others' valid
    /// keys and sessions; a credential the caches do not know waits, as no lookup is spent on it.
    /// </summary>
    public static IApplicationBuilder UseCredentialFloodGuard(this IApplicationBuilder app)
    {
        var guard = app.ApplicationServices.GetRequiredService<CredentialFloodGuard>();
        var carriers = app.ApplicationServices.GetRequiredService<CredentialCarriers>();
        // The answer a flood gets over and over is made once: its body, and Retry-After for the first minute's seconds.
        var body = ApiResults.Serialize(app.ApplicationServices, "Too many requests with invalid credentials from your address; try again later.");
        var seconds = Enumerable.Range(0, 61).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
        return app.Use((http, next) =>
        {
            if (CarriesCredential(http.Request, carriers)
                && guard.RetryAfter(http.Connection.RemoteIpAddress) is { } wait
                && !AllKnownValid(http.Request, carriers))
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

    /// <summary>At least one credential, and every one present accepted by its carrier's memory-only verdict.</summary>
    private static bool AllKnownValid(HttpRequest request, CredentialCarriers carriers)
    {
        var any = false;
        for (var i = 0; i < carriers.Count; i++)
        {
            var carrier = carriers[i];
            if (!carrier.IsPresent(request))
            {
                continue;
            }

            if (carrier.VerifyCached(request) is not { Caller: not null })
            {
                return false;
            }

            any = true;
        }

        return any;
    }
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
