using OrgKeys.Authentication;
using OrgKeys.Authentication.Carriers;
using OrgKeys.KeyLimits;

namespace OrgKeys.ForwardAuth;

/// <summary>
/// <c>/v1/auth/check</c> answered from memory when it can: a request carrying one credential whose
/// carrier gives its verdict from memory (<see cref="ICredentialCarrier.VerifyCached"/>), which is
/// nearly every check a reverse proxy makes. It leaves out ASP.NET Core's authentication and
/// authorization plumbing (handlers built per request, an authorization policy, the endpoint's
/// binding), not a rule: the verdict is the carrier's, what it sets off is
/// <see cref="CredentialRecorder"/>'s, and the answer is <see cref="ForwardAuthCheck"/>'s, as for the
/// endpoint. Everything else (several credentials, a verdict only the database or a signature check
/// can give, a 400 or a 403) goes on to the endpoint. It runs after the security headers, the error
/// handler and the flood guard, so those apply as to any request. The fast path and the endpoint are
/// tested to answer every case alike; <c>OrgKeys:ForwardAuth:FastPath</c> false turns it off.
/// </summary>
internal sealed class ForwardAuthFastPath(CredentialCarriers carriers, CredentialRecorder recorder, ForwardAuthCheck check, KeyGate gate)
{
    /// <summary>Marks the endpoint this path answers for.</summary>
    public sealed class Endpoint
    {
        public static readonly Endpoint Instance = new();

        private Endpoint()
        {
        }
    }

    /// <summary>The answer, or null when the endpoint must give it.</summary>
    public Task? TryAnswer(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<Endpoint>() is null)
        {
            return null;
        }

        var query = CheckQuery.None;
        if (http.Request.QueryString.HasValue
            && CheckQuery.Parse(http.Request.Query["organization"], http.Request.Query["role"], http.Request.Query["cost"], out query) is not null)
        {
            return null; // a 400, or a 401 if the credential is bad: the endpoint decides
        }

        var index = carriers.OnlyPresent(http.Request);
        if (index == CredentialCarriers.NotOne)
        {
            return null;
        }

        var carrier = carriers[index];
        if (carrier.VerifyCached(http.Request) is not { } verdict)
        {
            return null;
        }

        if (verdict.Refusal is { } refusal)
        {
            recorder.Checked(carrier, verdict, http);
            return recorder.ChallengeAsync(http, refusal);
        }

        if (!check.TryAllowCached(verdict.Caller!, query, out var access))
        {
            return null; // a 403, or a membership only the database knows: the endpoint answers
        }

        recorder.Checked(carrier, verdict, http);
        if (verdict.Caller is VerifiedApiKey key)
        {
            var pass = gate.PassAsync(key, http, query.Cost);
            if (!pass.IsCompletedSuccessfully)
            {
                return AllowAfterAsync(pass, http, key, access);
            }

            if (pass.Result is { } refused)
            {
                return refused.WriteAsync(http);
            }
        }

        ForwardAuthCheck.Allow(http.Response, verdict.Caller!, access);
        return Task.CompletedTask;
    }

    /// <summary>The key's gate had to ask the database (a credit or rate limit reservation).</summary>
    private static async Task AllowAfterAsync(ValueTask<GateRefusal?> pass, HttpContext http, VerifiedApiKey key, CallerAccess access)
    {
        if (await pass is { } refused)
        {
            await refused.WriteAsync(http);
            return;
        }

        ForwardAuthCheck.Allow(http.Response, key, access);
    }
}

/// <summary><c>OrgKeys:ForwardAuth</c>: <c>FastPath</c> (default true) answers cached checks before authentication.</summary>
public sealed class ForwardAuthOptions
{
    public const string Section = "OrgKeys:ForwardAuth";

    public bool FastPath { get; set; } = true;
}

internal static class ForwardAuthExtensions
{
    public static IServiceCollection AddForwardAuth(this IServiceCollection services)
    {
        services.AddOptions<ForwardAuthOptions>().BindConfiguration(ForwardAuthOptions.Section).ValidateOnStart();
        services.AddSingleton<ForwardAuthCheck>();
        services.AddSingleton<ForwardAuthFastPath>();
        return services;
    }

    public static IApplicationBuilder UseForwardAuthFastPath(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        if (!services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardAuthOptions>>().Value.FastPath)
        {
            return app;
        }

        var fastPath = services.GetRequiredService<ForwardAuthFastPath>();
        return app.Use((http, next) => fastPath.TryAnswer(http) ?? next(http));
    }
}
