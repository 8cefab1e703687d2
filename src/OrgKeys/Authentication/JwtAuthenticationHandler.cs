using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrgKeys.Authentication.Caching;
using OrgKeys.Observability;

namespace OrgKeys.Authentication;

public sealed class JwtAuthenticationOptions : AuthenticationSchemeOptions
{
    public bool FromCookie { get; set; }
}

/// <summary>
/// A session JWT from the <c>x-jwt-token</c> header or the <c>jwt</c> cookie. Besides the token's
/// own checks the user must still exist, be enabled, and hold the session version the token names.
/// </summary>
internal sealed class JwtAuthenticationHandler(
    IOptionsMonitor<JwtAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionTokens tokens,
    AccessLookup access,
    OrgKeysMetrics metrics)
    : AuthenticationHandler<JwtAuthenticationOptions>(options, logger, encoder)
{
    public const string ExpiredToken = "Your JWT token has expired. Log in again.";
    public const string InvalidToken = "Invalid JWT token.";
    public const string SessionEnded = "Your session has ended. Log in again.";

    /// <summary>Every refusal message a session JWT can get, for callers that prepare their answers once.</summary>
    public static readonly string[] Failures = [ExpiredToken, InvalidToken, SessionEnded];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token;
        if (Options.FromCookie)
        {
            token = Request.Cookies[AuthSchemes.JwtCookieName];
        }
        else if (Request.Headers.TryGetValue(AuthSchemes.JwtHeaderName, out var values))
        {
            token = values.Count == 1 ? values[0] : "";
        }
        else
        {
            token = null;
        }

        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var kind = Options.FromCookie ? CredentialKind.JwtCookie : CredentialKind.JwtHeader;
        var check = await tokens.ValidateAsync(token);
        if (check.Expired)
        {
            metrics.Authenticated(kind, AuthOutcome.Expired);
            return AuthenticateResult.Fail(ExpiredToken);
        }

        if (!check.IsValid)
        {
            metrics.Authenticated(kind, AuthOutcome.Invalid);
            return AuthenticateResult.Fail(InvalidToken);
        }

        if (!await access.IsSessionCurrentAsync(check.UserId, check.SessionVersion, Context.RequestAborted))
        {
            metrics.Authenticated(kind, AuthOutcome.SessionEnded);
            return AuthenticateResult.Fail(SessionEnded);
        }

        metrics.Authenticated(kind, AuthOutcome.Accepted);

        var principal = new ClaimsPrincipal(new UserIdentity(check.UserId, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
