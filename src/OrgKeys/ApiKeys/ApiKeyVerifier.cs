using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Auth.Caching;
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

/// <summary>
/// The hot path: format check, one HMAC, then the cache; on a miss one indexed lookup and a
/// constant-time compare. The cache is keyed by the HMAC, which an attacker cannot choose, so
/// comparing it in a dictionary leaks nothing about stored keys.
/// </summary>
public sealed class ApiKeyVerifier(ApiKeyHasher hasher, AuthCache cache, TimeProvider time, IServiceProvider services)
{
    public const string InvalidKey = "Invalid API key.";

    public async ValueTask<(VerifiedApiKey? Key, string? Failure, AuthOutcome Outcome)> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsPlausible(presented))
        {
            return (null, InvalidKey, AuthOutcome.Malformed);
        }

        var hash = hasher.Hash(presented);
        var id = CacheKey.From(hash);
        var now = time.GetUtcNow();
        if (!cache.TryGet(cache.ApiKeys, id, now, out var row))
        {
            if (cache.TryGet(cache.UnknownKeys, id, now, out _))
            {
                return (null, InvalidKey, AuthOutcome.Unknown);
            }

            var generation = cache.Generation;
            row = await LoadAsync(hash, cancellationToken);
            if (row is null)
            {
                cache.Fill(cache.UnknownKeys, id, true, generation, now);
                return (null, InvalidKey, AuthOutcome.Unknown);
            }

            cache.Fill(cache.ApiKeys, id, row, generation, now);
        }

        if (row.Revoked)
        {
            return (null, "This API key has been revoked.", AuthOutcome.Revoked);
        }

        if (row.Key.ExpiresAt <= now.UtcDateTime)
        {
            return (null, "This API key has expired.", AuthOutcome.Expired);
        }

        return (row.Key, null, AuthOutcome.Accepted);
    }

    private async Task<CachedApiKey?> LoadAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<OrgKeysDbContext>();
        var row = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.Organization.DeletedDate == null)
            .Select(k => new { k.Id, k.OrganizationId, k.Role, k.ExpiresAt, k.RevokedAt, k.KeyHash, k.WhiteLabelId, k.CreatedByUserId })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null || !CryptographicOperations.FixedTimeEquals(row.KeyHash, hash)
            ? null
            : new CachedApiKey(new VerifiedApiKey(row.Id, row.OrganizationId, row.Role, row.ExpiresAt, row.WhiteLabelId, row.CreatedByUserId), row.RevokedAt is not null);
    }
}
