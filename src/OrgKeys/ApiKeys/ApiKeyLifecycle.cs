using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys.Rules;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Changes a live key after its creation: its settings (update) or its secret (roll, with the old
/// secret kept for a grace period). Each change is audited in its transaction and reaches every
/// node's cache after the commit.
/// </summary>
public sealed class ApiKeyLifecycle(OrgKeysDbContext db, ApiKeyHasher hasher, AuditLog audit, AuthCache cache, TimeProvider time)
{
    public const string ActionUpdate = "apikey.update";
    public const string ActionRoll = "apikey.roll";

    public async Task<KeyChangeResult> UpdateAsync(KeyScope scope, int apiKeyId, KeyUpdate update, Actor actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = await scope.Of(db.ApiKeys).FirstOrDefaultAsync(k => k.Id == apiKeyId, cancellationToken);
        if (key is null)
        {
            return KeyChangeResult.NotFound;
        }

        if (NotLive(key, now) is { } refusal)
        {
            return KeyChangeResult.Conflict(refusal);
        }

        update.ApplyTo(key, now);
        audit.Add(ActionUpdate, scope.OrganizationId, actor, apiKeyId: apiKeyId, detail: update.Fields);
        await db.SaveChangesAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.ApiKey(apiKeyId), db);
        return new(KeyChangeOutcome.Done);
    }

    /// <summary>
    /// Replaces the key with a new one that keeps its name, role, expiry, limits, credits and allowlist.
    /// The old key lives on until <c>graceSeconds</c> from now, or from the new key's first use.
    /// </summary>
    public async Task<KeyChangeResult> RollAsync(KeyScope scope, int apiKeyId, RollApiKeyRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (request.GraceSeconds is < 0 or > RollApiKeyRequest.MaxGraceSeconds)
        {
            return KeyChangeResult.Invalid($"'graceSeconds' must be a whole number of seconds from 0 to {RollApiKeyRequest.MaxGraceSeconds} (30 days).");
        }

        var grace = TimeSpan.FromSeconds(request.GraceSeconds ?? 0);
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var old = await scope.Of(db.ApiKeys).FirstOrDefaultAsync(k => k.Id == apiKeyId, cancellationToken);
        if (old is null)
        {
            return KeyChangeResult.NotFound;
        }

        if ((NotLive(old, now) ?? (old.RolledToId is not null ? "This API key was already rolled; roll the key that replaced it." : null)) is { } refusal)
        {
            return KeyChangeResult.Conflict(refusal);
        }

        var policy = await db.ApiKeyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == old.OrganizationId, cancellationToken);
        if (ApiKeyPolicyRules.Violation(policy, old.Role, now, old.ExpiresAt) is { } violation)
        {
            return new(KeyChangeOutcome.PolicyViolation, violation);
        }

        var secret = ApiKeyFormat.Generate();
        var successor = Successor(old, secret, now);
        db.ApiKeys.Add(successor);
        await db.SaveChangesAsync(cancellationToken);
        if (old.CreatedByApiKeyId is { } parent && !await ApiKeyChains.ChainIsLiveAsync(db, parent, now, cancellationToken))
        {
            return KeyChangeResult.Conflict(ApiKeyResults.ChainRevoked);
        }

        // The credits move with the secret; the old key keeps none and no refill, so a roll never adds any.
        // A new label on the old key's empty balance: credits a node holds for it are dropped, not spent beside the new key's.
        (old.CreditsRemaining, old.CreditsRefillAmount, old.CreditsRefillInterval, old.CreditsRefillDay, old.CreditsRefilledAt) =
            (old.CreditsRemaining is null ? null : 0, null, null, null, old.CreditsRemaining is null ? null : now);
        old.RolledToId = successor.Id;
        if (request.GraceFromFirstUse == true)
        {
            old.PendingGraceSeconds = (int)grace.TotalSeconds;
        }
        else if (old.ExpiresAt is null || old.ExpiresAt > now + grace)
        {
            old.ExpiresAt = now + grace;
        }

        audit.Add(ActionRoll, old.OrganizationId, actor, apiKeyId: old.Id, detail: RollDetail(successor.Id, old.PendingGraceSeconds is null ? old.ExpiresAt : null));
        await db.SaveChangesAsync(cancellationToken);
        var clamped = old.ExpiresAt is { } notAfter ? await ApiKeyChains.ClampDescendantsAsync(db, old.Id, notAfter, cancellationToken) : [];
        await transaction.CommitAsync(cancellationToken);
        cache.Apply(AuthChange.KeyCreated);
        await cache.PublishManyAsync([AuthChange.ApiKey(old.Id), .. clamped.Select(AuthChange.ApiKey)], db);
        return new(KeyChangeOutcome.Done, NewId: successor.Id, Secret: secret, OldKeyExpires: old.PendingGraceSeconds is null ? old.ExpiresAt : null);
    }

    private ApiKey Successor(ApiKey old, string secret, DateTime now)
    {
        var (hash, secretVersion) = hasher.HashForStorage(secret);
        return new ApiKey
        {
            OrganizationId = old.OrganizationId,
            Name = old.Name,
            Role = old.Role,
            KeyHash = hash,
            SecretVersion = secretVersion,
            Hint = ApiKeyFormat.Mask(secret),
            Created = now,
            ExpiresAt = old.ExpiresAt,
            // Same creator and parent: whoever could revoke the old key can revoke this one, and the parent's revocation reaches it.
            CreatedByUserId = old.CreatedByUserId,
            CreatedByApiKeyId = old.CreatedByApiKeyId,
            WhiteLabelId = old.WhiteLabelId,
            RolledFromId = old.Id,
            RateLimits = old.RateLimits,
            AllowedIps = old.AllowedIps,
            CreditsRemaining = old.CreditsRemaining,
            CreditsRefillAmount = old.CreditsRefillAmount,
            CreditsRefillInterval = old.CreditsRefillInterval,
            CreditsRefillDay = old.CreditsRefillDay,
            CreditsRefilledAt = old.CreditsRefilledAt,
            CreditsAllotment = old.CreditsAllotment,
            CreditsLowNoticeFor = old.CreditsLowNoticeFor,
        };
    }

    private static string? NotLive(ApiKey key, DateTime now) =>
        key.RevokedAt is not null ? "This API key has been revoked."
        : key.ExpiresAt <= now ? "This API key has expired."
        : null;

    /// <summary>The audit detail of a roll, which the <c>apikey.rolled</c> webhook reads back.</summary>
    public static string RollDetail(int rolledTo, DateTime? oldKeyExpires) =>
        string.Create(CultureInfo.InvariantCulture, $"rolledTo: {rolledTo}; oldKeyExpires: {oldKeyExpires?.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "on first use of the new key"}");
}
