using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.SecretScanning;

/// <summary>A key seen in public: the token as reported, who reported it and where it was seen.</summary>
public sealed record ExposureReport(string Token, string Source, string? Url);

/// <summary>
/// Handles keys reported exposed, whoever reports them, a batch at a time: the checksum first (a
/// made-up token costs no lookup), then one lookup for all the hashes, one read of the policies of
/// the organizations involved, and one unit of work that revokes the live keys whose policy says
/// <c>revoke</c> (the default; <c>notify</c> leaves them live) and records every report of one of
/// our keys as an exposure and in the audit log. A token reported twice in a batch is handled once.
/// </summary>
public sealed class KeyExposures(OrgKeysDbContext db, ApiKeyHasher hasher, ApiKeyService keys, AuditLog audit, TimeProvider time)
{
    public const string Revoked = "revoked";
    public const string Notified = "notified";
    public const string NoLongerLive = "none";

    private sealed record FoundKey(int Id, int OrganizationId, DateTime? RevokedAt, DateTime? ExpiresAt, byte[] KeyHash);

    private sealed record Exposure(FoundKey Key, ExposureReport Report, bool Live);

    /// <summary>For each report, whether its token is one of our keys (live or not).</summary>
    public async Task<bool[]> HandleAsync(IReadOnlyList<ExposureReport> reports, Actor reporter, CancellationToken cancellationToken)
    {
        // The first report of each plausible token, in the order given.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var first = reports.Where(r => r.Token.Length <= ApiKeyFormat.MaxLength && ApiKeyFormat.IsPlausible(r.Token) && seen.Add(r.Token)).ToList();
        var found = first.Count == 0 ? [] : await ExposureLookup.FindAsync(db, hasher, seen, cancellationToken);
        var ours = reports.Select(r => found.ContainsKey(r.Token)).ToArray();
        if (found.Count == 0)
        {
            return ours;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var exposures = new List<Exposure>();
        foreach (var report in first)
        {
            if (found.TryGetValue(report.Token, out var key))
            {
                exposures.Add(new Exposure(key, report, key.RevokedAt is null && (key.ExpiresAt is null || key.ExpiresAt > now)));
            }
        }

        var notify = await NotifyingOrganizationsAsync(exposures, cancellationToken);
        var toRevoke = exposures.Where(e => e.Live && !notify.Contains(e.Key.OrganizationId)).Select(e => e.Key.Id).ToList();
        if (toRevoke.Count == 0)
        {
            Record(exposures, notify, new HashSet<int>(), reporter, now);
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            // Through the service, so revocation cascades and every node's cache forgets the keys as it always does.
            await keys.RevokeManyAsync(toRevoke, reporter, revoked => Record(exposures, notify, revoked, reporter, now), cancellationToken);
        }

        db.ChangeTracker.Clear();
        return ours;
    }

    /// <summary>The organizations involved whose policy is <c>notify</c>; without a policy row it is <c>revoke</c>.</summary>
    private async Task<HashSet<int>> NotifyingOrganizationsAsync(List<Exposure> exposures, CancellationToken cancellationToken)
    {
        var organizations = exposures.Where(e => e.Live).Select(e => e.Key.OrganizationId).Distinct().ToList();
        if (organizations.Count == 0)
        {
            return [];
        }

        return [.. await db.ApiKeyPolicies.Where(p => organizations.Contains(p.OrganizationId) && p.OnExposure == ExposureAction.Notify)
            .Select(p => p.OrganizationId).ToListAsync(cancellationToken)];
    }

    /// <summary>Stages each exposure and its audit entry; the audit seam is where the outbox adds <c>apikey.exposed</c>.</summary>
    private void Record(List<Exposure> exposures, HashSet<int> notify, IReadOnlySet<int> revoked, Actor reporter, DateTime now)
    {
        foreach (var (key, report, live) in exposures)
        {
            var action = !live ? NoLongerLive
                : notify.Contains(key.OrganizationId) ? Notified
                : revoked.Contains(key.Id) ? Revoked
                : NoLongerLive; // revoked by someone else meanwhile
            db.ApiKeyExposures.Add(new ApiKeyExposure
            {
                ApiKeyId = key.Id,
                OrganizationId = key.OrganizationId,
                Source = report.Source,
                Url = report.Url,
                ReportedAt = now,
                Action = action,
            });
            audit.Add(AuditActions.ApiKeyExposed, key.OrganizationId, reporter, apiKeyId: key.Id, detail: $"{action}; source: {report.Source}");
        }
    }

    /// <summary>Finds the keys behind many tokens with as few queries as the providers allow.</summary>
    private static class ExposureLookup
    {
        // Two hashes a token (the current secret and, during a rotation, the other): 1,000 parameters a query at most.
        private const int TokensPerQuery = 500;

        public static async Task<Dictionary<string, FoundKey>> FindAsync(
            OrgKeysDbContext db, ApiKeyHasher hasher, IEnumerable<string> tokens, CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, FoundKey>(StringComparer.Ordinal);
            foreach (var chunk in tokens.Chunk(TokensPerQuery))
            {
                var byHash = new Dictionary<string, string>(StringComparer.Ordinal);
                var other = new byte[ApiKeyHasher.HashSize];
                foreach (var token in chunk)
                {
                    byHash[Convert.ToHexString(hasher.Hash(token))] = token;
                    // A key still resting on the previous secret of a rotation is found under that one.
                    if (hasher.TryHashOther(token, other, out _))
                    {
                        byHash.TryAdd(Convert.ToHexString(other), token);
                    }
                }

                var hashes = byHash.Keys.Select(Convert.FromHexString).ToList();
                var rows = await db.ApiKeys.AsNoTracking().Where(k => hashes.Contains(k.KeyHash))
                    .Select(k => new FoundKey(k.Id, k.OrganizationId, k.RevokedAt, k.ExpiresAt, k.KeyHash))
                    .ToListAsync(cancellationToken);
                foreach (var row in rows)
                {
                    found.TryAdd(byHash[Convert.ToHexString(row.KeyHash)], row);
                }
            }

            return found;
        }
    }
}
