using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrgKeys.Authentication.Carriers;

namespace OrgKeys.Authentication;

/// <summary>The ASP.NET Core scheme of one carrier: the carrier's full verification, recorded, as an authentication result.</summary>
internal sealed class CarrierAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialCarriers carriers,
    CredentialRecorder recorder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var carrier = carriers[carriers.IndexOf(Scheme.Name)];
        if (!carrier.IsPresent(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var verdict = await carrier.VerifyAsync(Context);
        recorder.Checked(carrier, verdict, Context);
        if (verdict.Refusal is { } refusal)
        {
            return AuthenticateResult.Fail(new RefusedCredentialException(refusal));
        }

        var principal = new ClaimsPrincipal(verdict.Caller!.ToIdentity(Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
