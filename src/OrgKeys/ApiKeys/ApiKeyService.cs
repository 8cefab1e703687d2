using Microsoft.EntityFrameworkCore;
using OrgKeys.Auth.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

public enum CreateKeyOutcome
{
    Created,
    Conflict,
}

/// <summary>Mints keys: the secret is returned once and only its HMAC and a masked hint are stored.</summary>
public sealed class ApiKeyService(
    OrgKeysDbContext db, ApiKeyHasher hasher, ApiKeyBatchWriter inserts, AuthCache cache, TimeProvider time)
{
    /// <summary>Creates a key; <c>notAfter</c> is the creator's own expiry, since no key may outlive the key that minted it.</summary>
    public async Task<(CreateKeyOutcome Outcome, int Id, string Secret)> CreateAsync(
        int organizationId, NewApiKey request, int? createdByUserId, int? createdByApiKeyId, DateTime? notAfter,
        CancellationToken cancellationToken)
    {
        var secret = request.CustomKey ?? ApiKeyFormat.Generate();
        var hash = hasher.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, cancellationToken))
        {
            return (CreateKeyOutcome.Conflict, 0, "");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var expires = request.Ttl is { } ttl ? now + ttl : (DateTime?)null;
        if (notAfter is not null && (expires is null || expires > notAfter))
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
            CreatedByUserId = createdByUserId,
            CreatedByApiKeyId = createdByApiKeyId,
        };
        int? id;
        if (db.Database.CurrentTransaction is null)
        {
            id = await inserts.InsertAsync(key);
        }
        else
        {
            // Part of a larger transaction (a new organization's first key): insert it there.
            db.ApiKeys.Add(key);
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

        return (CreateKeyOutcome.Created, id.Value, secret);
    }
}
