using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.ApiKeys.Rules;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Authentication.Carriers;

/// <summary>
/// A key that passed verification: it acts as its organization, with its role. <see cref="WhiteLabelId"/>
/// is set on keys minted on behalf of a white label, and <see cref="CreatedByUserId"/> then names the
/// white label admin who minted it. Made once per key and cached, with its subject and on-behalf-of.
/// </summary>
public sealed record VerifiedApiKey(int Id, int OrganizationId, OrganizationRole Role, DateTime? ExpiresAt, int? WhiteLabelId = null, int? CreatedByUserId = null)
    : Caller
{
    /// <summary>What the key must pass on each use besides being live: policy, allowlist, rate limits, credits.</summary>
    public KeyRules Rules { get; init; } = KeyRules.None;

    public override string Subject { get; } = string.Create(CultureInfo.InvariantCulture, $"apikey:{Id}");

    public override string? OnBehalfOf { get; } = WhiteLabelId is not { } whiteLabelId ? null
        : CreatedByUserId is { } adminId ? string.Create(CultureInfo.InvariantCulture, $"whitelabel:{whiteLabelId}, user:{adminId}")
        : string.Create(CultureInfo.InvariantCulture, $"whitelabel:{whiteLabelId}");

    public override DateTime? NotAfter => ExpiresAt;

    public override bool ForWhiteLabel => WhiteLabelId is not null;

    /// <summary>A key acts as its own organization with its own role, whatever was asked.</summary>
    public override bool TryResolveCached(int? wantedOrganization, AuthCache cache, DateTimeOffset now, out CallerAccess access)
    {
        access = new CallerAccess(OrganizationId, Role);
        return true;
    }

    public override ValueTask<CallerAccess> ResolveAsync(int? wantedOrganization, AccessLookup lookup, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CallerAccess(OrganizationId, Role));

    public override CallerIdentity ToIdentity(string scheme) => new ApiKeyIdentity(this, scheme);
}

/// <summary>A key as the cache keeps it, with its verdict made once: revocation and expiry are judged on every use, to the second.</summary>
public sealed record CachedApiKey(VerifiedApiKey Key, bool Revoked)
{
    public CredentialVerdict Accepted { get; } = CredentialVerdict.Accepted(Key);
}

/// <summary>
/// The hot path: format check, one HMAC, then the cache; on a miss one indexed lookup and a
/// constant-time compare. The cache is keyed by the HMAC, which an attacker cannot choose, so
/// comparing it in a dictionary leaks nothing about stored keys.
/// </summary>
public sealed class ApiKeyVerifier(ApiKeyHasher hasher, AuthCache cache, TimeProvider time)
{
    private static readonly CredentialVerdict Malformed = CredentialVerdict.Refused(Refusal.MalformedApiKey);
    private static readonly CredentialVerdict Unknown = CredentialVerdict.Refused(Refusal.UnknownApiKey);
    private static readonly CredentialVerdict Revoked = CredentialVerdict.Refused(Refusal.RevokedApiKey);
    private static readonly CredentialVerdict Expired = CredentialVerdict.Refused(Refusal.ExpiredApiKey);

    /// <summary>
    /// Verifies from memory alone, without allocating: the answer, or null when the key is in neither
    /// cache and only the database can tell. <see cref="VerifyAsync"/> is this plus the lookup.
    /// </summary>
    public CredentialVerdict? VerifyCached(string presented) => Lookup(presented, out _);

    /// <param name="presented">The key as the client sent it.</param>
    /// <param name="requestServices">The request's services, for the database on a cache miss.</param>
    /// <param name="cancellationToken">The request's.</param>
    public async ValueTask<CredentialVerdict> VerifyAsync(string presented, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        if (Lookup(presented, out var id) is { } known)
        {
            return known;
        }

        var generation = cache.Generation;
        var hash = id.ToArray();
        var now = time.GetUtcNow();
        var db = requestServices.GetRequiredService<OrgKeysDbContext>();
        // Only while a rotation keeps a second secret: one more HMAC, and still one lookup.
        var other = new byte[ApiKeyHasher.HashSize];
        var hasOther = hasher.TryHashOther(presented, other, out var moveToVersion);
        var (row, foundByOther) = await LoadAsync(db, hash, hasOther ? other : null, cancellationToken);
        if (row is null)
        {
            cache.Fill(cache.UnknownKeys, id, true, generation, now);
            return Unknown;
        }

        if (foundByOther && moveToVersion is { } version)
        {
            await MoveToCurrentSecretAsync(db, row.Key.Id, other, hash, version, cancellationToken);
        }

        cache.Fill(cache.ApiKeys, id, row, generation, now);
        return Current(row, now);
    }

    /// <summary>The format check and the HMAC (into <paramref name="id"/>), then the caches.</summary>
    private CredentialVerdict? Lookup(string presented, out CacheKey id)
    {
        if (!ApiKeyFormat.IsPlausible(presented))
        {
            id = default;
            return Malformed;
        }

        Span<byte> digest = stackalloc byte[ApiKeyHasher.HashSize];
        hasher.Hash(presented, digest);
        id = CacheKey.From(digest);
        return FromCache(id, time.GetUtcNow());
    }

    private CredentialVerdict? FromCache(CacheKey id, DateTimeOffset now)
    {
        if (cache.TryGet(cache.ApiKeys, id, now, out var row))
        {
            return Current(row, now);
        }

        return cache.TryGet(cache.UnknownKeys, id, now, out _) ? Unknown : null;
    }

    /// <summary>Revocation and expiry are judged on every use, to the second.</summary>
    private static CredentialVerdict Current(CachedApiKey row, DateTimeOffset now) =>
        row.Revoked ? Revoked
        : row.Key.ExpiresAt <= now.UtcDateTime ? Expired
        : row.Accepted;

    /// <summary>The key by its hash under the current secret or, during a rotation, the other one; and whether the other found it.</summary>
    private static async Task<(CachedApiKey? Row, bool FoundByOther)> LoadAsync(OrgKeysDbContext db, byte[] hash, byte[]? other, CancellationToken cancellationToken)
    {
        var live = db.ApiKeys.AsNoTracking().Where(k => k.Organization.DeletedDate == null);
        var row = await (other is null ? live.Where(k => k.KeyHash == hash) : live.Where(k => k.KeyHash == hash || k.KeyHash == other))
            .Select(k => new
            {
                k.Id,
                k.OrganizationId,
                k.Role,
                k.Created,
                k.ExpiresAt,
                k.RevokedAt,
                k.KeyHash,
                k.WhiteLabelId,
                k.CreatedByUserId,
                k.RateLimits,
                k.AllowedIps,
                k.CreditsRemaining,
                k.RolledToId,
                Policy = db.ApiKeyPolicies.FirstOrDefault(p => p.OrganizationId == k.OrganizationId),
            })
            .FirstOrDefaultAsync(cancellationToken);
        var byCurrent = row is not null && CryptographicOperations.FixedTimeEquals(row.KeyHash, hash);
        var byOther = row is not null && other is not null && CryptographicOperations.FixedTimeEquals(row.KeyHash, other);
        if (row is null || !(byCurrent || byOther))
        {
            return (null, false);
        }

        var blockedBy = ApiKeyPolicyRules.Violation(row.Policy, row.Role, row.Created, row.ExpiresAt);
        var key = new VerifiedApiKey(row.Id, row.OrganizationId, row.Role, row.ExpiresAt, row.WhiteLabelId, row.CreatedByUserId)
        {
            Rules = KeyRules.From(row.RateLimits, row.AllowedIps, row.CreditsRemaining, blockedBy, row.RolledToId),
        };
        return (new CachedApiKey(key, row.RevokedAt is not null), !byCurrent);
    }

    /// <summary>
    /// The plaintext is in hand only now: store the key's hash under the current secret, so it no longer
    /// rests on the old one. Only the row still holding the old hash changes, so two nodes moving it at once agree.
    /// </summary>
    private static Task<int> MoveToCurrentSecretAsync(OrgKeysDbContext db, int id, byte[] oldHash, byte[] newHash, int version, CancellationToken cancellationToken) =>
        db.ApiKeys.Where(k => k.Id == id && k.KeyHash == oldHash)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.KeyHash, newHash).SetProperty(k => k.SecretVersion, version), cancellationToken);
}
