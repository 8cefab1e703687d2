using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Secrets;

/// <summary>A live key that still rests on the previous secret: what the operator sees, never the key.</summary>
public sealed record KeyOnOldSecret(int OrganizationId, int KeyId, string Name);

/// <summary>
/// Rotating the server secret: <see cref="RotateAsync"/> makes the new one current and keeps the old
/// one for verification (keys move over on their next use, sealed material is re-sealed at once),
/// <see cref="RetireOldAsync"/> drops the old one once no live key needs it.
/// </summary>
public sealed class SecretRotation(ServerSecret secret, DataDirectory dataDirectory, TimeProvider time)
{
    public async Task<(int Version, bool KeepsPrevious, IReadOnlyList<KeyOnOldSecret> OnOldSecret)> StatusAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var version = await ServerKeyStore.ReadVersionAsync(db, cancellationToken);
        var keepsPrevious = await db.ServerKeys.AnyAsync(k => k.Purpose == ServerKeyStore.PreviousCheckPurpose, cancellationToken);
        return (version, keepsPrevious, await LiveKeysBelowAsync(db, version, cancellationToken));
    }

    /// <summary>Makes this node's new secret current: given ahead in configuration, or made here when the secret is the data folder's file.</summary>
    public async Task<(int Version, string? Error)> RotateAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        if (await db.ServerKeys.AnyAsync(k => k.Purpose == ServerKeyStore.PreviousCheckPurpose, cancellationToken))
        {
            return (0, "the previous secret is still kept: run 'secret retire-old' before rotating again");
        }

        var state = secret.State;
        SecretGeneration next;
        if (state.Other is not null)
        {
            next = state.Other; // given ahead as OrgKeys:ServerSecret, with the current one as the previous
        }
        else if (secret.FromConfiguration)
        {
            return (0, "OrgKeys:ServerSecret is set in configuration: on every node set it to a new secret (openssl rand -base64 32) " +
                "and OrgKeys:PreviousServerSecret to the current one, restart the nodes, then run 'secret rotate' again");
        }
        else
        {
            // Files first: a crash before the database commits leaves a node that starts on the old secret and rotates again.
            next = new SecretGeneration(RandomNumberGenerator.GetBytes(32));
            ServerSecret.WriteFile(dataDirectory.File(ServerSecret.PreviousFileName), state.Active.Secret, FileMode.Create);
            var staged = dataDirectory.File(ServerSecret.FileName + ".new");
            ServerSecret.WriteFile(staged, next.Secret, FileMode.Create);
            File.Move(staged, dataDirectory.File(ServerSecret.FileName), overwrite: true);
            secret.Replace(next, state.Active);
        }

        var version = state.ActiveVersion + 1;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await ResealAsync(db, [state.Active, next], next, cancellationToken);
            await SetAsync(db, ServerKeyStore.SecretCheckPurpose, next.CheckValue, cancellationToken);
            await SetAsync(db, ServerKeyStore.PreviousCheckPurpose, state.Active.CheckValue, cancellationToken);
            await SetAsync(db, ServerKeyStore.VersionPurpose, Encoding.ASCII.GetBytes(version.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        secret.Activate(new SecretState(next, version, state.Active, state.ActiveVersion));
        return (version, null);
    }

    /// <summary>Drops the previous secret; refused, with the keys that need it, while live keys rest on it, unless forced.</summary>
    public async Task<(IReadOnlyList<KeyOnOldSecret> Dropped, string? Error)> RetireOldAsync(OrgKeysDbContext db, bool force, CancellationToken cancellationToken)
    {
        var (version, keepsPrevious, onOld) = await StatusAsync(db, cancellationToken);
        var state = secret.State;
        if (!keepsPrevious)
        {
            return ([], "there is no previous secret to retire");
        }

        if (state.ActiveVersion != version || !state.MovesKeys)
        {
            return ([], "this node's OrgKeys:ServerSecret is not the database's current secret: configure the new one first");
        }

        if (onOld.Count > 0 && !force)
        {
            var listed = string.Join("; ", onOld.Take(20).Select(k => $"organization {k.OrganizationId} key {k.KeyId} '{k.Name}'"));
            return (onOld, $"{onOld.Count} live keys still rest on the previous secret (use each once, revoke it, or pass --force to break it): " +
                listed + (onOld.Count > 20 ? $"; and {onOld.Count - 20} more" : ""));
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // A node that had not learnt of the rotation may have sealed something under the old secret since.
            await ResealAsync(db, [state.Active, state.Other!], state.Active, cancellationToken);
            await db.ServerKeys.Where(k => k.Purpose == ServerKeyStore.PreviousCheckPurpose).ExecuteDeleteAsync(cancellationToken);
            await SetAsync(db, ServerKeyStore.RetiredCheckPrefix + state.OtherVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), state.Other!.CheckValue, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (!secret.FromConfiguration)
        {
            File.Delete(dataDirectory.File(ServerSecret.PreviousFileName));
        }

        secret.Activate(state with { Other = null });
        secret.Replace(secret.Configured, null);
        return (onOld, null);
    }

    /// <summary>Live keys (not revoked, not expired, their organization not deleted) hashed under an older secret.</summary>
    private async Task<IReadOnlyList<KeyOnOldSecret>> LiveKeysBelowAsync(OrgKeysDbContext db, int version, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretVersion < version && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now) && k.Organization.DeletedDate == null)
            .OrderBy(k => k.OrganizationId).ThenBy(k => k.Id)
            .Select(k => new KeyOnOldSecret(k.OrganizationId, k.Id, k.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Every sealed server key and data-protection key, opened under <paramref name="from"/> and sealed under <paramref name="to"/>.</summary>
    private static async Task ResealAsync(OrgKeysDbContext db, SecretGeneration[] from, SecretGeneration to, CancellationToken cancellationToken)
    {
        foreach (var row in await db.ServerKeys.Where(k => !k.Purpose.StartsWith(ServerKeyStore.SecretRowPrefix)).ToListAsync(cancellationToken))
        {
            var plaintext = ServerKeyStore.Unseal(row.Value, row.Purpose, from);
            row.Value = ServerKeyStore.Seal(plaintext, row.Purpose, to);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        foreach (var key in await db.DataProtectionKeys.Where(k => k.Xml != null).ToListAsync(cancellationToken))
        {
            key.Xml = ServerSecretXmlDecryptor.Reseal(key.Xml!, from, to);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SetAsync(OrgKeysDbContext db, string purpose, byte[] value, CancellationToken cancellationToken)
    {
        var updated = await db.ServerKeys.Where(k => k.Purpose == purpose).ExecuteUpdateAsync(s => s.SetProperty(k => k.Value, value), cancellationToken);
        if (updated == 0)
        {
            db.ServerKeys.Add(new Data.Entities.ServerKey { Purpose = purpose, Value = value, Created = time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
