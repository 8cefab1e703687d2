using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;

namespace OrgKeys.Secrets;

/// <summary>
/// Key material shared by every node on one database, created by whichever node starts first:
/// the JWT signing key, sealed with AES-GCM under a key derived from the server secret.
/// </summary>
public sealed class ServerKeyStore(ServerSecret secret, TimeProvider time)
{
    internal const string SecretCheckPurpose = "server-secret-check";
    private const string JwtSigningPurpose = "jwt-signing-hs256";

    private byte[]? _jwtSigningKey;

    public byte[] JwtSigningKey =>
        _jwtSigningKey ?? throw new InvalidOperationException("Server keys are not loaded yet.");

    public async Task InitializeAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var check = await GetOrCreateAsync(db, SecretCheckPurpose, () => secret.CheckValue, cancellationToken);
        if (!CryptographicOperations.FixedTimeEquals(check, secret.CheckValue))
        {
            throw new InvalidOperationException(
                "This node's server secret differs from the one the database was set up with. " +
                "Every node on one database needs the same OrgKeys:ServerSecret.");
        }

        var sealedKey = await GetOrCreateAsync(db, JwtSigningPurpose,
            () => Seal(RandomNumberGenerator.GetBytes(32), JwtSigningPurpose), cancellationToken);
        _jwtSigningKey = Unseal(sealedKey, JwtSigningPurpose);
    }

    private async Task<byte[]> GetOrCreateAsync(OrgKeysDbContext db, string purpose, Func<byte[]> create, CancellationToken cancellationToken)
    {
        var existing = await Find(db, purpose, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        // Nodes starting together race to create it: the first insert wins, the others change nothing.
        var value = create();
        var created = time.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "ServerKeys" ("Purpose", "Value", "Created") VALUES ({purpose}, {value}, {created}) ON CONFLICT ("Purpose") DO NOTHING""",
            cancellationToken);

        return await Find(db, purpose, cancellationToken)
            ?? throw new InvalidOperationException($"Could not create the {purpose} key.");
    }

    private static Task<byte[]?> Find(OrgKeysDbContext db, string purpose, CancellationToken cancellationToken) =>
        db.ServerKeys.AsNoTracking().Where(k => k.Purpose == purpose).Select(k => k.Value).FirstOrDefaultAsync(cancellationToken);

    internal byte[] Seal(byte[] plaintext, string purpose)
    {
        var output = new byte[AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize + plaintext.Length];
        var nonce = output.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = output.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(secret.SealingKey, tag.Length);
        aes.Encrypt(nonce, plaintext, output.AsSpan(nonce.Length + tag.Length), tag, Encoding.ASCII.GetBytes(purpose));
        return output;
    }

    internal byte[] Unseal(byte[] sealedValue, string purpose)
    {
        var nonce = sealedValue.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = sealedValue.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        var ciphertext = sealedValue.AsSpan(nonce.Length + tag.Length);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(secret.SealingKey, tag.Length);
        aes.Decrypt(nonce, ciphertext, tag, plaintext, Encoding.ASCII.GetBytes(purpose));
        return plaintext;
    }
}
