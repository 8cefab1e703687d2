using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.SecretScanning;

/// <summary>A key seen in public: the token as reported, who reported it and where it was seen.</summary>
public sealed record ExposureReport(string Token, string Source, string? Url);

/// <summary>
/// Handles keys reported exposed, whoever reports them: the checksum first (a made-up token costs no
/// lookup), then the HMAC lookup; a live key gets its organization's policy (revoke, the default, or
/// notify), and every report of one of our keys is recorded as an exposure and in the audit log.
/// </summary>
public sealed class KeyExposures(OrgKeysDbContext db, ApiKeyHasher hasher, ApiKeyService keys, AuditLog audit, TimeProvider time)
{
    public const string Revoked = "revoked";
    public const string Notified = "notified";
    public const string NoLongerLive = "none";

    /// <summary>For each report, whether its token is one of our keys (live or not).</summary>
    public async Task<bool[]> HandleAsync(IReadOnlyList<ExposureReport> reports, Actor reporter, CancellationToken cancellationToken)
    {
        var ours = new bool[reports.Count];
        for (var i = 0; i < reports.Count; i++)
        {
            var token = reports[i].Token;
            if (token.Length > ApiKeyFormat.MaxLength || !ApiKeyFormat.IsPlausible(token))
            {
                continue;
            }

            var hash = hasher.Hash(token);
            // A key still resting on the previous secret of a rotation is found under that one.
            var other = new byte[ApiKeyHasher.HashSize];
            if (!hasher.TryHashOther(token, other, out _))
            {
                other = hash;
            }

            var key = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash || k.KeyHash == other)
                .Select(k => new { k.Id, k.OrganizationId, k.WhiteLabelId, k.RevokedAt, k.ExpiresAt })
                .FirstOrDefaultAsync(cancellationToken);
            if (key is null)
            {
                continue;
            }

            ours[i] = true;
            var live = key.RevokedAt is null && (key.ExpiresAt is null || key.ExpiresAt > time.GetUtcNow().UtcDateTime);
            var action = !live ? NoLongerLive
                : await PolicyAsync(key.OrganizationId, cancellationToken) == ExposureAction.Notify ? Notified
                // Through the service, so every node's cache forgets the key and revocation cascades as it always does.
                : await keys.RevokeAsync(new KeyScope(key.OrganizationId, key.WhiteLabelId), key.Id, reporter, mayRevokeAny: true, cancellationToken)
                    == RevokeKeyOutcome.Revoked ? Revoked : NoLongerLive;
            await RecordAsync(key.Id, key.OrganizationId, reports[i], action, reporter, cancellationToken);
        }

        return ours;
    }

    private async Task<ExposureAction> PolicyAsync(int organizationId, CancellationToken cancellationToken) =>
        await db.ApiKeyPolicies.Where(p => p.OrganizationId == organizationId).Select(p => (ExposureAction?)p.OnExposure)
            .FirstOrDefaultAsync(cancellationToken) ?? ExposureAction.Revoke;

    /// <summary>The exposure and its audit entry in one unit of work; the audit seam is where an outbox adds <c>apikey.exposed</c>.</summary>
    private async Task RecordAsync(int apiKeyId, int organizationId, ExposureReport report, string action, Actor reporter, CancellationToken cancellationToken)
    {
        db.ApiKeyExposures.Add(new ApiKeyExposure
        {
            ApiKeyId = apiKeyId,
            OrganizationId = organizationId,
            Source = report.Source,
            Url = report.Url,
            ReportedAt = time.GetUtcNow().UtcDateTime,
            Action = action,
        });
        audit.Add(AuditActions.ApiKeyExposed, organizationId, reporter, apiKeyId: apiKeyId, detail: $"{action}; source: {report.Source}");
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
