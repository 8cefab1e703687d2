using OrgKeys.Authentication.Caching;

namespace OrgKeys.Authentication.Carriers;

/// <summary>
/// A session JWT (from <c>/v1/api-login</c>). Besides the token's own checks (<see cref="SessionTokens"/>)
/// the user must still exist, be enabled, and hold the session version the token names.
/// </summary>
public abstract class SessionJwtCarrier(SessionTokens tokens, AuthCache cache, TimeProvider time) : ICredentialCarrier
{
    public abstract string MetricLabel { get; }

    public abstract bool IsPresent(HttpRequest request);

    public CredentialVerdict? VerifyCached(HttpRequest request)
    {
        var token = Read(request);
        if (string.IsNullOrEmpty(token) || tokens.ValidateCached(token) is not { } verdict)
        {
            return null;
        }

        if (verdict.Caller is not SessionUser user)
        {
            return verdict;
        }

        return cache.IsSessionCurrent(user.UserId, user.SessionVersion, time.GetUtcNow()) switch
        {
            true => verdict,
            false => CredentialVerdict.Refused(Refusal.SessionEnded),
            null => null,
        };
    }

    public async ValueTask<CredentialVerdict> VerifyAsync(HttpContext http)
    {
        var verdict = await tokens.ValidateAsync(Read(http.Request) ?? "");
        if (verdict.Caller is not SessionUser user)
        {
            return verdict;
        }

        var access = http.RequestServices.GetRequiredService<AccessLookup>();
        return await access.IsSessionCurrentAsync(user.UserId, user.SessionVersion, http.RequestAborted)
            ? verdict
            : CredentialVerdict.Refused(Refusal.SessionEnded);
    }

    /// <summary>The token presented: empty when it cannot be one token.</summary>
    protected abstract string? Read(HttpRequest request);
}

/// <summary>A session JWT in the <c>x-jwt-token</c> header.</summary>
public sealed class JwtHeaderCarrier(SessionTokens tokens, AuthCache cache, TimeProvider time) : SessionJwtCarrier(tokens, cache, time)
{
    public override string MetricLabel => "x-jwt-token";

    public override bool IsPresent(HttpRequest request) => request.Headers.ContainsKey(AuthSchemes.JwtHeaderName);

    protected override string? Read(HttpRequest request) =>
        request.Headers.TryGetValue(AuthSchemes.JwtHeaderName, out var values) ? (values is [{ } one] ? one : "") : null;
}

/// <summary>A session JWT in the <c>jwt</c> cookie, as the Studio's pages send it.</summary>
public sealed class JwtCookieCarrier(SessionTokens tokens, AuthCache cache, TimeProvider time) : SessionJwtCarrier(tokens, cache, time)
{
    public override string MetricLabel => "jwt-cookie";

    public override bool IsPresent(HttpRequest request) => AuthSchemes.HasJwtCookie(request);

    protected override string? Read(HttpRequest request) => request.Cookies[AuthSchemes.JwtCookieName];
}
