using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Secrets;

/// <summary>
/// Key material shared by every node on one database, created by whichever node starts first:
/// the JWT signing key, sealed with AES-GCM under a key derived from the server secret. At start it
/// also reads which secret the database is on (<see cref="SecretState"/>), and refuses a node that
/// knows neither it nor, during a rotation, the one it replaces.
/// </summary>
public sealed class ServerKeyStore(ServerSecret secret, TimeProvider time)
{
    /// <summary>Rows whose purpose starts with this hold check values and the version, not sealed material.</summary>
    internal const string SecretRowPrefix = "server-secret-";
    internal const string SecretCheckPurpose = "server-secret-check";
    internal const string PreviousCheckPurpose = "server-secret-check:previous";
    internal const string RetiredCheckPrefix = "server-secret-check:retired:";
    internal const string VersionPurpose = "server-secret-version";
    private const string JwtSigningPurpose = "jwt-signing-hs256";

    private byte[]? _jwtSigningKey;

    public byte[] JwtSigningKey =>
        _jwtSigningKey ?? throw new InvalidOperationException("Server keys are not loaded yet.");

    public async Task InitializeAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var check = await GetOrCreateAsync(db, SecretCheckPurpose, () => secret.Configured.CheckValue, cancellationToken);
        var version = await ReadVersionAsync(db, cancellationToken);
        var previousCheck = await Find(db, PreviousCheckPurpose, cancellationToken);
        secret.Activate(Resolve(check, version, previousCheck) ?? throw new ServerSecretRefusedException(await RefusalAsync(db, version, cancellationToken)));

        var sealedKey = await GetOrCreateAsync(db, JwtSigningPurpose,
            () => Seal(RandomNumberGenerator.GetBytes(32), JwtSigningPurpose), cancellationToken);
        _jwtSigningKey = Unseal(sealedKey, JwtSigningPurpose);
    }

    /// <summary>
    /// The database's secret in force, from this node's two: its <c>ServerSecret</c>, or its previous one
    /// when the database has not rotated yet (the node was given the new secret ahead, as every node must be).
    /// </summary>
    private SecretState? Resolve(byte[] check, int version, byte[]? previousCheck)
    {
        var previous = secret.ConfiguredPrevious;
        if (secret.Configured.Matches(check))
        {
            var keepsPrevious = previous is not null && previousCheck is not null && previous.Matches(previousCheck);
            return new SecretState(secret.Configured, version, keepsPrevious ? previous : null, version - 1);
        }

        return previous is not null && previous.Matches(check)
            ? new SecretState(previous, version, secret.Configured, version + 1)
            : null;
    }

    private async Task<string> RefusalAsync(OrgKeysDbContext db, int version, CancellationToken cancellationToken)
    {
        var replaced = await db.ServerKeys.AsNoTracking()
            .Where(k => k.Purpose == PreviousCheckPurpose || k.Purpose.StartsWith(RetiredCheckPrefix))
            .Select(k => new { k.Purpose, k.Value }).ToListAsync(cancellationToken);
        var match = replaced.FirstOrDefault(k => secret.Configured.Matches(k.Value));
        return match is null
            ? "This node's server secret differs from the one the database was set up with. " +
              "Every node on one database needs the same OrgKeys:ServerSecret."
            : match.Purpose == PreviousCheckPurpose
            ? $"This node's server secret was rotated out of this database (it is on secret version {version}). " +
              "Configure the new secret as OrgKeys:ServerSecret, and the old one as OrgKeys:PreviousServerSecret until 'secret retire-old' has run."
            : $"This node's server secret was rotated out of this database and retired (it is on secret version {version}). " +
              "Configure the database's current secret as OrgKeys:ServerSecret.";
    }

    internal static async Task<int> ReadVersionAsync(OrgKeysDbContext db, CancellationToken cancellationToken) =>
        await Find(db, VersionPurpose, cancellationToken) is { } stored
            ? int.Parse(Encoding.ASCII.GetString(stored), NumberStyles.None, CultureInfo.InvariantCulture)
            : 1;

    private async Task<byte[]> GetOrCreateAsync(OrgKeysDbContext db, string purpose, Func<byte[]> create, CancellationToken cancellationToken)
    {
        var existing = await Find(db, purpose, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        // Nodes starting together race to create it: the first insert wins, the others change nothing.
        await InsertAsync(db, purpose, create(), cancellationToken);
        return await Find(db, purpose, cancellationToken)
            ?? throw new InvalidOperationException($"Could not create the {purpose} key.");
    }

    /// <summary>Adds a row unless one with its purpose exists: the first of several racing nodes wins.</summary>
    internal async Task InsertAsync(OrgKeysDbContext db, string purpose, byte[] value, CancellationToken cancellationToken)
    {
        var created = time.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "ServerKeys" ("Purpose", "Value", "Created") VALUES ({purpose}, {value}, {created}) ON CONFLICT ("Purpose") DO NOTHING""",
            cancellationToken);
    }

    private static Task<byte[]?> Find(OrgKeysDbContext db, string purpose, CancellationToken cancellationToken) =>
        db.ServerKeys.AsNoTracking().Where(k => k.Purpose == purpose).Select(k => k.Value).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Seals under the secret in force; the purpose is bound in as associated data.</summary>
    internal byte[] Seal(byte[] plaintext, string purpose) => Seal(plaintext, purpose, secret.State.Active);

    /// <summary>Unseals under the secret in force or, during a rotation, the other one.</summary>
    internal byte[] Unseal(byte[] sealedValue, string purpose)
    {
        var state = secret.State;
        return Unseal(sealedValue, purpose, state.Other is null ? [state.Active] : [state.Active, state.Other]);
    }

    internal static byte[] Seal(byte[] plaintext, string purpose, SecretGeneration generation)
    {
        var output = new byte[AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize + plaintext.Length];
        var nonce = output.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = output.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(generation.SealingKey, tag.Length);
        aes.Encrypt(nonce, plaintext, output.AsSpan(nonce.Length + tag.Length), tag, Encoding.ASCII.GetBytes(purpose));
        return output;
    }

    internal static byte[] Unseal(byte[] sealedValue, string purpose, IReadOnlyList<SecretGeneration> generations)
    {
        var nonce = sealedValue.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = sealedValue.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        var ciphertext = sealedValue.AsSpan(nonce.Length + tag.Length);
        var plaintext = new byte[ciphertext.Length];
        for (var i = 0; ; i++)
        {
            try
            {
                using var aes = new AesGcm(generations[i].SealingKey, tag.Length);
                aes.Decrypt(nonce, ciphertext, tag, plaintext, Encoding.ASCII.GetBytes(purpose));
                return plaintext;
            }
            catch (AuthenticationTagMismatchException) when (i + 1 < generations.Count)
            {
                // Sealed under the other secret of a rotation: try that one.
            }
        }
    }
}
