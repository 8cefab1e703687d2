using System.Collections.Frozen;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authorization;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Observability;
using OrgKeys.Throttling;

namespace OrgKeys.ForwardAuth;

/// <summary>
/// <c>/v1/auth/check</c> answered from memory when it can: a request carrying one credential (an API
/// key, or a session JWT in the header or the cookie) whose verdict the auth cache already holds,
/// which is nearly every check a reverse proxy makes. It leaves out ASP.NET Core's authentication and
/// authorization plumbing (handlers built per request, an authorization policy, the endpoint's
/// binding), not a rule: the verdict is the verifiers' own (<see cref="ApiKeyVerifier.VerifyCached"/>,
/// <see cref="SessionTokens.ValidateCached"/>, <see cref="AuthCache.IsSessionCurrent"/>, each the
/// first half of what authentication calls), a refusal is counted by the flood guard and the metrics
/// as authentication counts it, and the answer is made by <see cref="ForwardAuthEndpoints"/>' own
/// parts. Everything else (several credentials, a verdict only the database or a signature check can
/// give, a 400 or a 403) goes on to the endpoint. It runs after the security headers, the error
/// handler and the flood guard, so those apply as to any request. The fast path and the endpoint are
/// tested to answer every case alike; <c>OrgKeys:ForwardAuth:FastPath</c> false turns it off.
/// </summary>
internal sealed class ForwardAuthFastPath(
    ApiKeyVerifier verifier,
    SessionTokens tokens,
    AuthCache cache,
    CredentialFloodGuard guard,
    OrgKeysMetrics metrics,
    ApiKeyUsageTracker usage,
    TimeProvider time,
    FrozenDictionary<string, byte[]> refusals)
{
    /// <summary>Marks the endpoint this path answers for.</summary>
    public sealed class Endpoint
    {
        public static readonly Endpoint Instance = new();

        private Endpoint()
        {
        }
    }

    /// <summary>What the cache says of the credential: who it is, or why it is refused.</summary>
    private readonly record struct Verdict(CredentialKind Kind, AuthOutcome Outcome, string? Failure, VerifiedApiKey? Key, int UserId);

    /// <summary>The answer, or null when the endpoint must give it.</summary>
    public Task? TryAnswer(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<Endpoint>() is null)
        {
            return null;
        }

        var query = default(CheckQuery);
        if (http.Request.QueryString.HasValue
            && CheckQuery.Parse(http.Request.Query["organization"], http.Request.Query["role"], out query) is not null)
        {
            return null; // a 400, or a 401 if the credential is bad: the endpoint decides
        }

        if (Judge(http) is not { } verdict)
        {
            return null;
        }

        var address = http.Connection.RemoteIpAddress;
        if (verdict.Failure is { } failure)
        {
            metrics.Authenticated(verdict.Kind, verdict.Outcome);
            guard.Refused(address);
            http.Response.Headers.WWWAuthenticate = ApiAuthorizationResultHandler.Challenge;
            return ApiResults.WriteAsync(http, StatusCodes.Status401Unauthorized, refusals[failure]);
        }

        OrganizationRole? membership = null;
        if (verdict.Key is null && query.Organization is { } wanted && !cache.TryGetRole(wanted, verdict.UserId, time.GetUtcNow(), out membership))
        {
            return null;
        }

        var (organizationId, role, subject) = verdict.Key is { } key
            ? ForwardAuthEndpoints.Resolve(key)
            : ForwardAuthEndpoints.Resolve(verdict.UserId, query.Organization, membership);
        if (query.Refusal(organizationId, role) is not null)
        {
            return null; // a 403: the endpoint writes it
        }

        metrics.Authenticated(verdict.Kind, AuthOutcome.Accepted);
        if (verdict.Key is not null)
        {
            usage.Record(verdict.Key.Id, time.GetUtcNow().UtcDateTime, address);
        }

        ForwardAuthEndpoints.NameIdentity(http.Response.Headers, subject, organizationId, role, verdict.Key);
        http.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>The verdict on the request's one credential from memory alone, or null.</summary>
    private Verdict? Judge(HttpContext http)
    {
        var scheme = AuthSchemes.Select(http);
        if (scheme == AuthSchemes.ApiKey)
        {
            if (!http.Request.Headers.TryGetValue(AuthSchemes.ApiKeyHeader, out var values)
                || values is not [{ Length: > 0 } presented]
                || verifier.VerifyCached(presented) is not { } check)
            {
                return null;
            }

            return new Verdict(CredentialKind.ApiKey, check.Outcome, check.Failure, check.Key, 0);
        }

        var (kind, token) = scheme switch
        {
            AuthSchemes.JwtHeader => (CredentialKind.JwtHeader, http.Request.Headers[AuthSchemes.JwtHeaderName] is [{ } header] ? header : null),
            AuthSchemes.JwtCookie => (CredentialKind.JwtCookie, http.Request.Cookies[AuthSchemes.JwtCookieName]),
            _ => (default, null),
        };
        if (string.IsNullOrEmpty(token) || tokens.ValidateCached(token) is not { } session)
        {
            return null;
        }

        if (session.Expired)
        {
            return new Verdict(kind, AuthOutcome.Expired, JwtAuthenticationHandler.ExpiredToken, null, 0);
        }

        if (!session.IsValid)
        {
            return new Verdict(kind, AuthOutcome.Invalid, JwtAuthenticationHandler.InvalidToken, null, 0);
        }

        return cache.IsSessionCurrent(session.UserId, session.SessionVersion, time.GetUtcNow()) switch
        {
            true => new Verdict(kind, AuthOutcome.Accepted, null, null, session.UserId),
            false => new Verdict(kind, AuthOutcome.SessionEnded, JwtAuthenticationHandler.SessionEnded, null, session.UserId),
            null => null,
        };
    }
}

internal static class ForwardAuthFastPathExtensions
{
    public static IApplicationBuilder UseForwardAuthFastPath(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        if (!services.GetRequiredService<IConfiguration>().GetValue("OrgKeys:ForwardAuth:FastPath", true))
        {
            return app;
        }

        var refusals = ApiKeyVerifier.Failures.Concat(JwtAuthenticationHandler.Failures)
            .ToFrozenDictionary(f => f, f => ApiResults.Serialize(services, f));
        var fastPath = ActivatorUtilities.CreateInstance<ForwardAuthFastPath>(services, refusals);
        return app.Use((http, next) => fastPath.TryAnswer(http) ?? next(http));
    }
}
