using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Infrastructure;
using OrgKeys.Observability;
using OrgKeys.Throttling;

namespace OrgKeys.Authentication;

/// <summary>
/// What a verdict sets off, wherever it was reached (an authentication handler or the forward-auth
/// fast path): the authentication metric, a key's <c>lastUsed</c>, and for a refused request the flood
/// guard's count and the 401. Nothing else records these.
/// </summary>
public sealed class CredentialRecorder(
    CredentialCarriers carriers, OrgKeysMetrics metrics, ApiKeyUsageTracker usage, CredentialFloodGuard guard, TimeProvider time)
{
    /// <summary>The <c>WWW-Authenticate</c> of a 401: the credentials this server takes.</summary>
    public const string Challenge = "x-api-key, x-jwt-token";

    private const string Missing = "Authentication required: send an API key (x-api-key) or a JWT (x-jwt-token header or jwt cookie).";

    /// <summary>A credential was checked: counted, and a key's use remembered.</summary>
    public void Checked(ICredentialCarrier carrier, in CredentialVerdict verdict, HttpContext http)
    {
        metrics.Authenticated(carriers.IndexOf(carrier), verdict.Outcome);
        if (verdict.Caller is VerifiedApiKey key)
        {
            usage.Record(key.Id, time.GetUtcNow().UtcDateTime, http.Connection.RemoteIpAddress);
        }
    }

    /// <summary>
    /// The 401 of a request that needs a credential: <paramref name="failure"/> is why authentication
    /// refused the one presented (counted against the address), or null when none was presented.
    /// </summary>
    public Task ChallengeAsync(HttpContext http, Exception? failure)
    {
        if (failure is not null)
        {
            guard.Refused(http.Connection.RemoteIpAddress);
        }

        http.Response.Headers.WWWAuthenticate = Challenge;
        return failure switch
        {
            null => ApiResults.WriteAsync(http, StatusCodes.Status401Unauthorized, Missing),
            RefusedCredentialException refused => ApiResults.WriteAsync(http, StatusCodes.Status401Unauthorized, refused.Refusal.Body(http.RequestServices)),
            _ => ApiResults.WriteAsync(http, StatusCodes.Status401Unauthorized, failure.Message),
        };
    }

    /// <summary>The 401 of a refusal reached without authentication (the fast path): as <see cref="ChallengeAsync(HttpContext, Exception?)"/>, without an exception.</summary>
    public Task ChallengeAsync(HttpContext http, Refusal refusal)
    {
        guard.Refused(http.Connection.RemoteIpAddress);
        http.Response.Headers.WWWAuthenticate = Challenge;
        return ApiResults.WriteAsync(http, StatusCodes.Status401Unauthorized, refusal.Body(http.RequestServices));
    }
}
