using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys.Rules;
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
    /// <summary>The key that mints it, or one it descends from, was revoked or expired meanwhile.</summary>
    ChainRevoked,
    /// <summary>The key would break the organization's key policy; <see cref="CreateKeyResult.Error"/> names the rule.</summary>
    PolicyViolation,
}

/// <summary>What <see cref="ApiKeyService.CreateAsync"/> did: the key's id and secret, shown once, or why not.</summary>
public sealed record CreateKeyResult(CreateKeyOutcome Outcome, int Id, string Secret, string? Error = null)
{
    public void Deconstruct(out CreateKeyOutcome outcome, out int id, out string secret) => (outcome, id, secret) = (Outcome, Id, Secret);
}

public enum RevokeKeyOutcome
{
    Revoked,
    NotFound,
    Forbidden,
}

/// <summary>Mints and revokes keys: the secret is returned once and only its HMAC and a masked hint are stored.</summary>
public sealed class ApiKeyService(
    OrgKeysDbContext db, ApiKeyHasher hasher, ApiKeyBatchWriter inserts, AuditLog audit, AuthCache cache, OrgKeysMetrics metrics, TimeProvider time)
{
    public async Task<CreateKeyResult> CreateAsync(
        int organizationId, NewApiKey request, Actor origin, CancellationToken cancellationToken)
    {
        var secret = request.CustomKey ?? ApiKeyFormat.Generate();
        var (hash, secretVersion) = hasher.HashForStorage(secret);
        if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, cancellationToken))
        {
            return new(CreateKeyOutcome.Conflict, 0, "");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var expires = request.Ttl is { } ttl ? now + ttl : (DateTime?)null;
        if (origin.NotAfter is { } notAfter && (expires is null || expires > notAfter))
        {
            expires = notAfter;
        }

        var policy = await db.ApiKeyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == organizationId, cancellationToken);
        if (ApiKeyPolicyRules.Violation(policy, request.Role, now, expires) is { } violation)
        {
            return new(CreateKeyOutcome.PolicyViolation, 0, "", violation);
        }

        var key = new ApiKey
        {
            OrganizationId = organizationId,
            Name = request.Name,
            Role = request.Role,
            KeyHash = hash,
            SecretVersion = secretVersion,
            Hint = ApiKeyFormat.Mask(secret),
            Created = now,
            ExpiresAt = expires,
            CreatedByUserId = origin.UserId,
            CreatedByApiKeyId = origin.ApiKeyId,
            WhiteLabelId = origin.WhiteLabelId,
            RateLimits = RateLimitRules.ToColumn(request.Rules.RateLimits) ?? (request.Rules.RateLimits is null ? policy?.DefaultRateLimits : null),
            AllowedIps = IpAllowlist.ToColumn(request.Rules.AllowedIps) ?? policy?.DefaultAllowedIps,
        };
        KeyRuleSettings.SetCredits(key, request.Rules.Credits, now);
        // The audit entry is written with the key, in the same transaction.
        var entry = audit.Create(AuditActions.ApiKeyCreate, organizationId, origin, detail: OrganizationRoles.Name(request.Role));
        entry.ApiKey = key;
        int? id;
        if (db.Database.CurrentTransaction is null)
        {
            id = await inserts.InsertAsync(key, entry);
            if (id == ApiKeyBatchWriter.ChainRevoked)
            {
                return new(CreateKeyOutcome.ChainRevoked, 0, "");
            }
        }
        else
        {
            // Part of a larger transaction (a new organization's first key): insert it there.
            db.ApiKeys.Add(key);
            AuditLog.Append(db, entry);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                if (key.CreatedByApiKeyId is { } parent && !await ApiKeyChains.ChainIsLiveAsync(db, parent, now, cancellationToken))
                {
                    throw new InvalidOperationException("The API key that mints this key is no longer live.");
                }

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
                ? new(CreateKeyOutcome.Conflict, 0, "")
                : throw new InvalidOperationException("The API key could not be stored.");
        }

        metrics.KeyCreated(byWhiteLabel: origin.WhiteLabelId is not null);
        return new(CreateKeyOutcome.Created, id.Value, secret);
    }

    /// <summary>
    /// Revokes a live key of <paramref name="scope"/> and every key it minted, down the chain, and
    /// records who did, in one transaction, then tells every node's cache. Unless
    /// <paramref name="mayRevokeAny"/>, only the key's creator may.
    /// </summary>
    public async Task<RevokeKeyOutcome> RevokeAsync(KeyScope scope, int apiKeyId, Actor actor, bool mayRevokeAny, CancellationToken cancellationToken)
    {
        var key = scope.Of(db.ApiKeys).Where(k => k.Id == apiKeyId && k.RevokedAt == null);
        if (!mayRevokeAny)
        {
            var creator = await key.AsNoTracking().Select(k => new { k.CreatedByUserId, k.CreatedByApiKeyId }).FirstOrDefaultAsync(cancellationToken);
            if (creator is null)
            {
                return RevokeKeyOutcome.NotFound;
            }

            if (!((actor.UserId is not null && creator.CreatedByUserId == actor.UserId)
                || (actor.ApiKeyId is not null && creator.CreatedByApiKeyId == actor.ApiKeyId)))
            {
                return RevokeKeyOutcome.Forbidden;
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await key.ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) == 0)
        {
            return RevokeKeyOutcome.NotFound;
        }

        var descendants = await ApiKeyChains.RevokeDescendantsAsync(db, [apiKeyId], now, cancellationToken);
        await audit.RecordAsync(AuditActions.ApiKeyRevoke, scope.OrganizationId, actor, cancellationToken, apiKeyId: apiKeyId);
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.ApiKey(apiKeyId), db);
        await ApiKeyChains.PublishRevokedAsync(cache, db, descendants);
        return RevokeKeyOutcome.Revoked;
    }

    /// <summary>
    /// <see cref="RevokeAsync"/> for many keys of any organizations at once (a leak report): the live
    /// ones among <paramref name="apiKeyIds"/> are revoked with their descendants and an audit entry
    /// each, and <paramref name="alsoStage"/> stages what belongs with them, given the ids this call
    /// revoked (a key revoked meanwhile is not among them), all in one transaction; then every node's
    /// cache is told.
    /// </summary>
    public async Task<IReadOnlySet<int>> RevokeManyAsync(
        IReadOnlyCollection<int> apiKeyIds, Actor actor, Action<IReadOnlySet<int>> alsoStage, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var live = await ApiKeyChains.RevokeLiveAsync(db, apiKeyIds, now, cancellationToken);
        var descendants = await ApiKeyChains.RevokeDescendantsAsync(db, [.. live.Keys], now, cancellationToken);
        foreach (var (id, organizationId) in live)
        {
            audit.Add(AuditActions.ApiKeyRevoke, organizationId, actor, apiKeyId: id);
        }

        var revoked = live.Keys.ToHashSet();
        alsoStage(revoked);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ApiKeyChains.PublishRevokedAsync(cache, db, [.. revoked, .. descendants]);
        return revoked;
    }
}
