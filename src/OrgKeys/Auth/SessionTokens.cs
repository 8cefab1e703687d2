using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrgKeys.Auth;

/// <summary>
/// The JWTs returned by <c>/v1/api-login</c>. HS256 under a key generated on first start and shared
/// through the database; validation pins the algorithm and that key, and checks issuer, audience,
/// expiry and not-before, so <c>alg: none</c>, key confusion and foreign tokens are refused.
/// </summary>
public sealed record SessionCheck(int UserId, int SessionVersion, bool Expired)
{
    public static readonly SessionCheck Invalid = new(0, 0, false);
    public static readonly SessionCheck ExpiredToken = new(0, 0, true);
    public bool IsValid => UserId > 0 && !Expired;
}

public sealed class SessionTokens(ServerKeyStore keys, TimeProvider time, IConfiguration configuration)
{
    public const string Issuer = "OrgKeys";
    public const string Audience = "orgkeys-api";
    private const string SessionVersionClaim = "sv";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private TokenValidationParameters? _parameters;

    public TimeSpan Lifetime { get; } = configuration.GetValue("OrgKeys:Jwt:Lifetime", TimeSpan.FromDays(30));

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

    /// <summary>Checks signature, algorithm, issuer and audience, then the lifetime by the injected clock.</summary>
    public async Task<SessionCheck> ValidateAsync(string token)
    {
        if (token.Length > 4096)
        {
            return SessionCheck.Invalid;
        }

        var result = await Handler.ValidateTokenAsync(token, _parameters ??= CreateParameters());
        if (!result.IsValid
            || !int.TryParse(result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !int.TryParse(result.ClaimsIdentity.FindFirst(SessionVersionClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return SessionCheck.Invalid;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var skew = TimeSpan.FromSeconds(30);
        if (now >= result.SecurityToken.ValidTo + skew || now < result.SecurityToken.ValidFrom - skew)
        {
            return SessionCheck.ExpiredToken;
        }

        return new SessionCheck(userId, version, Expired: false);
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
}
