using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrgKeys.Authentication.Carriers;

namespace OrgKeys.Authentication;

/// <summary>
/// A request that carries several credentials is authenticated only if every one of them is valid:
/// a bad credential is never masked by a good one beside it. The first in precedence order acts.
/// </summary>
internal sealed class AllPresentCredentialsHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialCarriers carriers)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        AuthenticateResult? acting = null;
        for (var i = 0; i < carriers.Count; i++)
        {
            if (!carriers[i].IsPresent(Request))
            {
                continue;
            }

            var result = await Context.AuthenticateAsync(carriers.Scheme(i));
            if (!result.Succeeded)
            {
                return AuthenticateResult.Fail(result.Failure ?? new InvalidOperationException("Invalid credentials."));
            }

            acting ??= result;
        }

        return acting is null
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Success(new AuthenticationTicket(acting.Principal!, Scheme.Name));
    }
}
