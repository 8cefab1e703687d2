using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrgKeys.Authentication.Caching;
using OrgKeys.Secrets;

namespace OrgKeys.Authentication;

/// <summary>How long a session JWT lives: <c>OrgKeys:Jwt:Lifetime</c>, 30 days by default.</summary>
public sealed class JwtOptions
{
    public const string Section = "OrgKeys:Jwt";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// The JWTs returned by <c>/v1/api-login</c>. HS256 under a key generated on first start and shared
/// through the database; validation pins the algorithm and that key, and checks issuer, audience,
/// expiry and not-before, so <c>alg: none</c>, key confusion and foreign tokens are refused.
/// A token whose signature checked out is remembered by its SHA-256 (what it says never changes);
/// its lifetime is still judged by the clock on every use.
/// </summary>
public sealed class SessionTokens(ServerKeyStore keys, TimeProvider time, IOptions<AuthCacheOptions> cacheOptions, IOptions<JwtOptions> options)
{
    public const string Issuer = "OrgKeys";
    public const string Audience = "orgkeys-api";
    private const string SessionVersionClaim = "sv";

    /// <summary>Longer is refused unread: ours are about 300 characters.</summary>
    private const int MaxTokenLength = 4096;
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private static readonly CredentialVerdict Invalid = CredentialVerdict.Refused(Refusal.InvalidToken);
    private static readonly CredentialVerdict Expired = CredentialVerdict.Refused(Refusal.ExpiredToken);

    private readonly BoundedCache<CacheKey, SignedSession> _verified = new(cacheOptions.Value.Capacity, TimeSpan.FromMinutes(5));

    private TokenValidationParameters? _parameters;

    public TimeSpan Lifetime { get; } = options.Value.Lifetime;

    public string Issue(int userId, int sessionVersion)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(CultureInfo.InvariantCulture),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [SessionVersionClaim] = sessionVersion,
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(keys.JwtSigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// From memory alone, without allocating: the verdict on a token whose signature was verified before
    /// (its lifetime judged by the clock now), or null when only verifying it can tell.
    /// <see cref="ValidateAsync"/> is this plus the verification. Whether the session is still current
    /// is the carrier's question, not the token's.
    /// </summary>
    public CredentialVerdict? ValidateCached(string token) => Lookup(token, out _);

    /// <summary>Checks signature, algorithm, issuer and audience, then the lifetime by the injected clock.</summary>
    public async ValueTask<CredentialVerdict> ValidateAsync(string token)
    {
        if (Lookup(token, out var id) is { } known)
        {
            return known;
        }

        var session = await ValidateSignatureAsync(token);
        if (session is null)
        {
            return Invalid;
        }

        var now = time.GetUtcNow();
        _verified.Set(id, session, now);
        return ByClock(session, now);
    }

    /// <summary>The length check and the token's SHA-256 (into <paramref name="id"/>), then the cache.</summary>
    private CredentialVerdict? Lookup(string token, out CacheKey id)
    {
        if (token.Length > MaxTokenLength)
        {
            id = default;
            return Invalid;
        }

        id = CacheKeyOf(token);
        var now = time.GetUtcNow();
        return _verified.TryGet(id, now, out var session) ? ByClock(session, now) : null;
    }

    private static CredentialVerdict ByClock(SignedSession session, DateTimeOffset now)
    {
        var skew = TimeSpan.FromSeconds(30);
        return now.UtcDateTime >= session.ValidTo + skew || now.UtcDateTime < session.ValidFrom - skew
            ? Expired
            : session.Verdict;
    }

    /// <summary>The SHA-256 of the token, without allocating (a token is at most <see cref="MaxTokenLength"/> characters).</summary>
    private static CacheKey CacheKeyOf(string token)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(token.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(token, utf8);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8.AsSpan(0, length), digest);
            return CacheKey.From(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private async Task<SignedSession?> ValidateSignatureAsync(string token)
    {
        var result = await Handler.ValidateTokenAsync(token, _parameters ??= CreateParameters());
        return result.IsValid
            && int.TryParse(result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            && int.TryParse(result.ClaimsIdentity.FindFirst(SessionVersionClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && userId > 0
                ? new SignedSession(CredentialVerdict.Accepted(new SessionUser(userId, version)), result.SecurityToken.ValidFrom, result.SecurityToken.ValidTo)
                : null;
    }

    private TokenValidationParameters CreateParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = new SymmetricSecurityKey(keys.JwtSigningKey),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        // The one configured key is the only one tried: tokens carry no kid.
        TryAllIssuerSigningKeys = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        // Lifetime is checked after validation, by the injected clock, so tests can move time
        // and an expired token gets its own message.
        ValidateLifetime = false,
        NameClaimType = ClaimTypes.NameIdentifier,
    };

    /// <summary>A token whose signature checked out, with its verdict made once: a cached use allocates nothing.</summary>
    private sealed record SignedSession(CredentialVerdict Verdict, DateTime ValidFrom, DateTime ValidTo);
}
