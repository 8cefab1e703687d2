using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Observability;
using OrgKeys.Organizations;

namespace OrgKeys.ApiKeys;

public enum CreateKeyOutcome
{
    Created,
    Conflict,
}

/// <summary>
/// Who mints a key. <see cref="NotAfter"/> is the minting key's own expiry, since no key may outlive
/// the key that minted it; <see cref="WhiteLabelId"/> marks a key minted on behalf of a white label.
/// </summary>
public sealed record KeyOrigin(int? UserId, int? ApiKeyId, DateTime? NotAfter, int? WhiteLabelId)
{
    public static KeyOrigin User(int userId) => new(userId, null, null, null);

    /// <summary>A key minted by a white label key is a white label key too: hidden, and attributable to the same admin.</summary>
    public static KeyOrigin Of(int? userId, VerifiedApiKey? apiKey) =>
        new(userId, apiKey?.Id, apiKey?.ExpiresAt, apiKey?.WhiteLabelId);
}

/// <summary>Mints keys: the secret is returned once and only its HMAC and a masked hint are stored.</summary>
public sealed class ApiKeyService(
    OrgKeysDbContext db, ApiKeyHasher hasher, ApiKeyBatchWriter inserts, AuditLog audit, AuthCache cache, OrgKeysMetrics metrics, TimeProvider time)
{
    public async Task<(CreateKeyOutcome Outcome, int Id, string Secret)> CreateAsync(
        int organizationId, NewApiKey request, KeyOrigin origin, CancellationToken cancellationToken)
    {
        var secret = request.CustomKey ?? ApiKeyFormat.Generate();
        var hash = hasher.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, cancellationToken))
        {
            return (CreateKeyOutcome.Conflict, 0, "");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var expires = request.Ttl is { } ttl ? now + ttl : (DateTime?)null;
        if (origin.NotAfter is { } notAfter && (expires is null || expires > notAfter))
        {
            expires = notAfter;
        }

        var key = new ApiKey
        {
            OrganizationId = organizationId,
            Name = request.Name,
            Role = request.Role,
            KeyHash = hash,
            Hint = ApiKeyFormat.Mask(secret),
            Created = now,
            ExpiresAt = expires,
            CreatedByUserId = origin.UserId,
            CreatedByApiKeyId = origin.ApiKeyId,
            WhiteLabelId = origin.WhiteLabelId,
        };
        // The audit entry is written with the key, in the same transaction.
        var entry = audit.Create(AuditActions.ApiKeyCreate, organizationId, origin, detail: OrganizationRoles.Name(request.Role));
        entry.ApiKey = key;
        int? id;
        if (db.Database.CurrentTransaction is null)
        {
            id = await inserts.InsertAsync(key, entry);
        }
        else
        {
            // Part of a larger transaction (a new organization's first key): insert it there.
            db.ApiKeys.Add(key);
            db.AuditEntries.Add(entry);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                id = key.Id;
                // A random new key nobody can have tried yet: forgetting "unknown" answers here is enough.
                cache.Apply(AuthChange.KeyCreated);
            }
            catch (DbUpdateException)
            {
                db.Entry(key).State = EntityState.Detached;
                db.Entry(entry).State = EntityState.Detached;
                id = null;
            }
        }

        if (id is null)
        {
            // Lost a race for the same custom key: the unique index on the hash decided.
            return await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, cancellationToken)
                ? (CreateKeyOutcome.Conflict, 0, "")
                : throw new InvalidOperationException("The API key could not be stored.");
        }

        metrics.KeyCreated(byWhiteLabel: origin.WhiteLabelId is not null);
        return (CreateKeyOutcome.Created, id.Value, secret);
    }
}
