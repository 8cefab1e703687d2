using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Observability;

namespace OrgKeys.ApiKeys;

/// <summary>
/// A key that passed verification. <see cref="WhiteLabelId"/> is set on keys minted on behalf of a white
/// label, and <see cref="CreatedByUserId"/> then names the white label admin who minted it.
/// </summary>
public sealed record VerifiedApiKey(int Id, int OrganizationId, OrganizationRole Role, DateTime? ExpiresAt, int? WhiteLabelId = null, int? CreatedByUserId = null);

/// <summary>A key as the cache keeps it: revocation and expiry are judged on every use, to the second.</summary>
public sealed record CachedApiKey(VerifiedApiKey Key, bool Revoked);

/// <summary>What verifying a presented key concluded: the key, or why it was refused.</summary>
public readonly record struct ApiKeyCheck(VerifiedApiKey? Key, string? Failure, AuthOutcome Outcome)
{
    public static ApiKeyCheck Refused(string failure, AuthOutcome outcome) => new(null, failure, outcome);
}

/// <summary>
/// The hot path: format check, one HMAC, then the cache; on a miss one indexed lookup and a
/// constant-time compare. The cache is keyed by the HMAC, which an attacker cannot choose, so
/// comparing it in a dictionary leaks nothing about stored keys.
/// </summary>
public sealed class ApiKeyVerifier(ApiKeyHasher hasher, AuthCache cache, TimeProvider time)
{
    public const string InvalidKey = "Invalid API key.";
    public const string RevokedKey = "This API key has been revoked.";
    public const string ExpiredKey = "This API key has expired.";

    /// <summary>Every refusal message a key can get, for callers that prepare their answers once.</summary>
    public static readonly string[] Failures = [InvalidKey, RevokedKey, ExpiredKey];

    /// <summary>
    /// Verifies from memory alone, without allocating: the answer, or null when the key is in neither
    /// cache and only the database can tell. <see cref="VerifyAsync"/> is this plus the lookup.
    /// </summary>
    public ApiKeyCheck? VerifyCached(string presented) => Lookup(presented, out _);

    /// <param name="presented">The key as the client sent it.</param>
    /// <param name="requestServices">The request's services, for the database on a cache miss.</param>
    /// <param name="cancellationToken">The request's.</param>
    public async ValueTask<ApiKeyCheck> VerifyAsync(string presented, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        if (Lookup(presented, out var id) is { } known)
        {
            return known;
        }

        var generation = cache.Generation;
        var hash = id.ToArray();
        var now = time.GetUtcNow();
        var row = await LoadAsync(requestServices.GetRequiredService<OrgKeysDbContext>(), hash, cancellationToken);
        if (row is null)
        {
            cache.Fill(cache.UnknownKeys, id, true, generation, now);
            return ApiKeyCheck.Refused(InvalidKey, AuthOutcome.Unknown);
        }

        cache.Fill(cache.ApiKeys, id, row, generation, now);
        return Judge(row, now);
    }

    /// <summary>The format check and the HMAC (into <paramref name="id"/>), then the caches.</summary>
    private ApiKeyCheck? Lookup(string presented, out CacheKey id)
    {
        if (!ApiKeyFormat.IsPlausible(presented))
        {
            id = default;
            return ApiKeyCheck.Refused(InvalidKey, AuthOutcome.Malformed);
        }

        Span<byte> digest = stackalloc byte[ApiKeyHasher.HashSize];
        hasher.Hash(presented, digest);
        id = CacheKey.From(digest);
        return FromCache(id, time.GetUtcNow());
    }

    private ApiKeyCheck? FromCache(CacheKey id, DateTimeOffset now)
    {
        if (cache.TryGet(cache.ApiKeys, id, now, out var row))
        {
            return Judge(row, now);
        }

        return cache.TryGet(cache.UnknownKeys, id, now, out _) ? ApiKeyCheck.Refused(InvalidKey, AuthOutcome.Unknown) : null;
    }

    /// <summary>Revocation and expiry are judged on every use, to the second.</summary>
    private static ApiKeyCheck Judge(CachedApiKey row, DateTimeOffset now) =>
        row.Revoked ? ApiKeyCheck.Refused(RevokedKey, AuthOutcome.Revoked)
        : row.Key.ExpiresAt <= now.UtcDateTime ? ApiKeyCheck.Refused(ExpiredKey, AuthOutcome.Expired)
        : new ApiKeyCheck(row.Key, null, AuthOutcome.Accepted);

    private static async Task<CachedApiKey?> LoadAsync(OrgKeysDbContext db, byte[] hash, CancellationToken cancellationToken)
    {
        var row = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.Organization.DeletedDate == null)
            .Select(k => new { k.Id, k.OrganizationId, k.Role, k.ExpiresAt, k.RevokedAt, k.KeyHash, k.WhiteLabelId, k.CreatedByUserId })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null || !CryptographicOperations.FixedTimeEquals(row.KeyHash, hash)
            ? null
            : new CachedApiKey(new VerifiedApiKey(row.Id, row.OrganizationId, row.Role, row.ExpiresAt, row.WhiteLabelId, row.CreatedByUserId), row.RevokedAt is not null);
    }
}
