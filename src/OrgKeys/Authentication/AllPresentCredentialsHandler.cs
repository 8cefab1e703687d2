using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrgKeys.Authentication;

/// <summary>
/// A request that carries several credentials is authenticated only if every one of them is valid:
/// a bad credential is never masked by a good one beside it. The first in precedence order acts.
/// </summary>
internal sealed class AllPresentCredentialsHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        AuthenticateResult? acting = null;
        foreach (var scheme in AuthSchemes.Present(Context))
        {
            var result = await Context.AuthenticateAsync(scheme);
            if (!result.Succeeded)
            {
                return AuthenticateResult.Fail(result.Failure?.Message ?? "Invalid credentials.");
            }

            acting ??= result;
        }

        return acting is null
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Success(new AuthenticationTicket(acting.Principal!, Scheme.Name));
    }
}
