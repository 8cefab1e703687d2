using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

/// <summary>A key that passed verification. <see cref="WhiteLabelId"/> is set on keys minted on behalf of a white label.</summary>
public sealed record VerifiedApiKey(int Id, int OrganizationId, OrganizationRole Role, DateTime? ExpiresAt, int? WhiteLabelId = null);

/// <summary>The hot path: format check, one HMAC, one indexed lookup, constant-time compare.</summary>
public sealed class ApiKeyVerifier(OrgKeysDbContext db, ApiKeyHasher hasher, TimeProvider time)
{
    public async Task<(VerifiedApiKey? Key, string? Failure)> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsPlausible(presented))
        {
            return (null, "Invalid API key.");
        }

        var hash = hasher.Hash(presented);
        var row = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.Organization.DeletedDate == null)
            .Select(k => new { k.Id, k.OrganizationId, k.Role, k.ExpiresAt, k.RevokedAt, k.KeyHash, k.WhiteLabelId })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.KeyHash, hash))
        {
            return (null, "Invalid API key.");
        }

        if (row.RevokedAt is not null)
        {
            return (null, "This API key has been revoked.");
        }

        if (row.ExpiresAt <= time.GetUtcNow().UtcDateTime)
        {
            return (null, "This API key has expired.");
        }

        return (new VerifiedApiKey(row.Id, row.OrganizationId, row.Role, row.ExpiresAt, row.WhiteLabelId), null);
    }
}
