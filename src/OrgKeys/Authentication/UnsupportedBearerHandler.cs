using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrgKeys.Observability;

namespace OrgKeys.Authentication;

/// <summary>
/// <c>Authorization: Bearer</c> until OAuth access tokens exist (issue 4): a credential this server
/// cannot check is an invalid one, never ignored, so it cannot ride along beside a valid key.
/// </summary>
internal sealed class UnsupportedBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OrgKeysMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        metrics.Authenticated(CredentialKind.Bearer, AuthOutcome.Unsupported);
        return Task.FromResult(AuthenticateResult.Fail("OAuth access tokens (Authorization: Bearer) are not accepted by this server."));
    }
}
