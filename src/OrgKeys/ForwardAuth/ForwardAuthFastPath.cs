using System.Collections.Frozen;
using OrgKeys.ApiKeys;
using OrgKeys.Auth;
using OrgKeys.Infrastructure;
using OrgKeys.Observability;
using OrgKeys.Throttling;

namespace OrgKeys.ForwardAuth;

/// <summary>
/// <c>/v1/auth/check</c> answered from memory when it can: a request carrying one API key (and no
/// other credential) whose verdict the auth cache already holds, which is nearly every check a
/// reverse proxy makes. It leaves out ASP.NET Core's authentication and authorization plumbing
/// (handlers built per request, an authorization policy, the endpoint's binding), not a rule: the
/// verdict is <see cref="ApiKeyVerifier"/>'s, the refusal is counted by the flood guard and the
/// metrics as the authentication handler counts it, and the answer is made by
/// <see cref="ForwardAuthEndpoints"/>' own parts. Everything else (a JWT, several credentials, a key
/// not cached yet, a query that is a 400, a key refused a 403) goes on to the endpoint. It runs after the security headers,
/// the error handler and the flood guard, so those apply as to any request. The fast path and the
/// endpoint are tested to answer every case alike (<c>OrgKeys:ForwardAuth:FastPath</c> false turns it off).
/// </summary>
internal static class ForwardAuthFastPath
{
    /// <summary>Marks the endpoint this path answers for.</summary>
    public sealed class Endpoint
    {
        public static readonly Endpoint Instance = new();

        private Endpoint()
        {
        }
    }

    public static IApplicationBuilder UseForwardAuthFastPath(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        if (!services.GetRequiredService<IConfiguration>().GetValue("OrgKeys:ForwardAuth:FastPath", true))
        {
            return app;
        }

        var verifier = services.GetRequiredService<ApiKeyVerifier>();
        var guard = services.GetRequiredService<CredentialFloodGuard>();
        var metrics = services.GetRequiredService<OrgKeysMetrics>();
        var usage = services.GetRequiredService<ApiKeyUsageTracker>();
        var time = services.GetRequiredService<TimeProvider>();
        var refusals = ApiKeyVerifier.Failures.ToFrozenDictionary(f => f, f => ApiResults.Serialize(services, f));

        return app.Use((http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<Endpoint>() is null
                || AuthSchemes.Select(http) != AuthSchemes.ApiKey
                || !http.Request.Headers.TryGetValue(AuthSchemes.ApiKeyHeader, out var values)
                || values is not [{ Length: > 0 } presented])
            {
                return next(http);
            }

            var query = default(CheckQuery);
            if ((http.Request.QueryString.HasValue
                    && CheckQuery.Parse(http.Request.Query["organization"], http.Request.Query["role"], out query) is not null)
                || verifier.VerifyCached(presented) is not { } check)
            {
                return next(http);
            }

            var address = http.Connection.RemoteIpAddress;
            if (check.Key is not { } key)
            {
                metrics.Authenticated(CredentialKind.ApiKey, check.Outcome);
                guard.Refused(address);
                http.Response.Headers.WWWAuthenticate = ApiAuthorizationResultHandler.Challenge;
                return ApiResults.WriteAsync(http, StatusCodes.Status401Unauthorized, refusals[check.Failure!]);
            }

            var (organizationId, role, subject) = ForwardAuthEndpoints.Resolve(key);
            if (query.Refusal(organizationId, role) is not null)
            {
                return next(http); // a 403: the endpoint writes it
            }

            metrics.Authenticated(CredentialKind.ApiKey, check.Outcome);
            usage.Record(key.Id, time.GetUtcNow().UtcDateTime, address);
            ForwardAuthEndpoints.NameIdentity(http.Response.Headers, subject, organizationId, role, key);
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
    }
}
