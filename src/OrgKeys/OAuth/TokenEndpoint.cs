using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Throttling;
using OrgKeys.Users;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>
/// <c>POST /v1/oauth/token</c> after OpenIddict has checked the client, its grant type and scope
/// permissions, PKCE and the code or refresh token: decides who the token acts as.
/// </summary>
internal static class TokenEndpoint
{
    private const string LoginFailed = "The username or password is invalid.";

    public static async Task<IResult> Exchange(
        HttpContext http, OrgKeysDbContext db, UserService users, LoginThrottle throttle, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            return await ClientCredentialsAsync(request, applications, http.RequestAborted);
        }

        if (request.IsPasswordGrantType())
        {
            return await PasswordAsync(request, http, users, throttle);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            return await RedeemAsync(http, db);
        }

        return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    /// <summary>
    /// Acts as the client's organization; only API scopes mean anything without a user. The client is the entity
    /// OpenIddict loaded to check the secret (its request cache answers, no SQL), which
    /// <see cref="OAuthApplicationStore"/> never returns for a deleted organization.
    /// </summary>
    private static async Task<IResult> ClientCredentialsAsync(OpenIddictRequest request, IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(request.ClientId!, cancellationToken) is not OAuthApplication client)
        {
            return Refuse(Errors.InvalidClient, "The client is unknown.");
        }

        var scopes = request.GetScopes();
        if (scopes.Any(s => !Scopes.Api.Contains(s, StringComparer.Ordinal)))
        {
            return Refuse(Errors.InvalidScope, "Only API scopes can be granted without a user.");
        }

        return Issue(OAuthClaims.ForClient(client, scopes));
    }

    /// <summary>
    /// Shares <c>/v1/api-login</c>'s throttle; an unknown user, a disabled one and a wrong password get the
    /// same answer at the same cost. OpenIddict has already refused clients not registered for this grant.
    /// </summary>
    private static async Task<IResult> PasswordAsync(OpenIddictRequest request, HttpContext http, UserService users, LoginThrottle throttle)
    {
        if (string.IsNullOrEmpty(request.Username) || request.Username.Length > 254
            || string.IsNullOrEmpty(request.Password) || request.Password.Length > UserService.MaxPasswordLength)
        {
            return Refuse(Errors.InvalidRequest, "'username' and 'password' are required.");
        }

        var account = await throttle.AccountAsync(request.Username, http.RequestAborted);
        var verdict = await throttle.CheckAsync(account, http.RequestAborted);
        if (verdict.AccountWait is { } wait)
        {
            return TooMany(http, wait);
        }

        var user = await users.CheckPasswordAsync(request.Username, request.Password, http.RequestAborted);
        if (user is null)
        {
            await throttle.FailedAsync(account, http.RequestAborted);
            return verdict.AddressWait is { } addressWait ? TooMany(http, addressWait) : Refuse(Errors.InvalidGrant, LoginFailed);
        }

        await throttle.SucceededAsync(account, http.RequestAborted);
        var scopes = request.GetScopes();
        var identity = OAuthClaims.ForUser(user, scopes);
        await OAuthAuthorizations.AttachAdHocAsync(http.RequestServices, identity, request.ClientId!, http.RequestAborted);
        return Issue(identity);
    }

    private static IResult TooMany(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Refuse(Errors.InvalidGrant, $"Too many failed sign-in attempts; try again in {seconds} seconds.");
    }

    /// <summary>A code or refresh token: the user must still be enabled and in the session the token was issued in.</summary>
    private static async Task<IResult> RedeemAsync(HttpContext http, OrgKeysDbContext db)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal ?? throw new InvalidOperationException("OpenIddict validated no principal.");
        var userId = int.TryParse(principal.GetClaim(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled, http.RequestAborted);
        if (user is null || principal.GetClaim(OAuthClaims.SessionVersion) != user.SessionVersion.ToString(CultureInfo.InvariantCulture))
        {
            return Refuse(Errors.InvalidGrant, "This grant is no longer valid; sign in again.");
        }

        var identity = OAuthClaims.ForUser(user, principal.GetScopes());
        identity.SetAuthorizationId(principal.GetAuthorizationId());
        return Issue(identity);
    }

    private static IResult Issue(ClaimsIdentity identity) =>
        Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    internal static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
