using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys;
using OrgKeys.Observability;

namespace OrgKeys.Authentication;

/// <summary>The <c>x-api-key</c> header: an organization API key.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier verifier,
    ApiKeyUsageTracker usage,
    OrgKeysMetrics metrics,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(AuthSchemes.ApiKeyHeader, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            metrics.Authenticated(CredentialKind.ApiKey, AuthOutcome.Malformed);
            return AuthenticateResult.Fail(ApiKeyVerifier.InvalidKey);
        }

        var (key, failure, outcome) = await verifier.VerifyAsync(values[0]!, Context.RequestServices, Context.RequestAborted);
        metrics.Authenticated(CredentialKind.ApiKey, outcome);
        if (key is null)
        {
            return AuthenticateResult.Fail(failure!);
        }

        usage.Record(key.Id, time.GetUtcNow().UtcDateTime, Context.Connection.RemoteIpAddress);
        var principal = new ClaimsPrincipal(new ApiKeyIdentity(key, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
