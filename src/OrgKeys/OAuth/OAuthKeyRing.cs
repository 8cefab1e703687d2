using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Secrets;

namespace OrgKeys.OAuth;

/// <summary>
/// The OAuth signing and encryption certificates: made once, stored in <c>ServerKeys</c> sealed under the
/// server secret (as the JWT key and the data-protection ring are), so every node loads the same ones.
/// Each rotation adds a generation whose certificates expire later: OpenIddict signs and encrypts with
/// the certificate that expires last and still accepts the older ones, until they are pruned.
/// </summary>
public sealed class OAuthKeyRing(ServerKeyStore sealing, TimeProvider time)
{
    private const string SigningPrefix = "oauth-signing:";
    private const string EncryptionPrefix = "oauth-encryption:";

    /// <summary>How long a superseded generation is kept: longer than any token it signed lives.</summary>
    public static readonly TimeSpan RetainSuperseded = TimeSpan.FromDays(30);

    private IReadOnlyList<X509Certificate2>? _signing;
    private IReadOnlyList<X509Certificate2>? _encryption;

    public IReadOnlyList<X509Certificate2> Signing => _signing ?? throw new InvalidOperationException("OAuth keys are not loaded yet.");
    public IReadOnlyList<X509Certificate2> Encryption => _encryption ?? throw new InvalidOperationException("OAuth keys are not loaded yet.");

    /// <summary>Loads every generation, creating the first when there is none.</summary>
    public async Task LoadAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        // Both kinds, not only signing: a node starting beside another can see the first generation's
        // signing row before its encryption row exists. Adding it again is harmless (the first insert wins).
        if (await LatestGenerationAsync(db, SigningPrefix, cancellationToken) == 0
            || await LatestGenerationAsync(db, EncryptionPrefix, cancellationToken) == 0)
        {
            await AddGenerationAsync(db, 1, cancellationToken);
        }

        _signing = await LoadAsync(db, SigningPrefix, cancellationToken);
        _encryption = await LoadAsync(db, EncryptionPrefix, cancellationToken);
    }

    /// <summary>Adds a generation that signs from each node's next start, and prunes long-superseded ones.</summary>
    public async Task<int> RotateAsync(OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var generation = await LatestGenerationAsync(db, SigningPrefix, cancellationToken) + 1;
        await AddGenerationAsync(db, generation, cancellationToken);
        var rows = await db.ServerKeys.Where(k => k.Purpose.StartsWith(SigningPrefix)).Select(k => new { k.Purpose, k.Created }).ToListAsync(cancellationToken);
        var cutoff = time.GetUtcNow().UtcDateTime - RetainSuperseded;
        // A generation may go once the one after it has signed for longer than any token lives.
        var stale = rows.Select(r => (Generation: Parse(r.Purpose), r.Created))
            .Where(r => rows.Any(n => Parse(n.Purpose) == r.Generation + 1 && n.Created < cutoff))
            .SelectMany(r => new[] { Name(SigningPrefix, r.Generation), Name(EncryptionPrefix, r.Generation) })
            .ToList();
        await db.ServerKeys.Where(k => stale.Contains(k.Purpose)).ExecuteDeleteAsync(cancellationToken);
        return generation;
    }

    private static async Task<int> LatestGenerationAsync(OrgKeysDbContext db, string prefix, CancellationToken cancellationToken)
    {
        var purposes = await db.ServerKeys.Where(k => k.Purpose.StartsWith(prefix)).Select(k => k.Purpose).ToListAsync(cancellationToken);
        return purposes.Count == 0 ? 0 : purposes.Max(Parse);
    }

    private async Task AddGenerationAsync(OrgKeysDbContext db, int generation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Later generations expire later, which is what makes OpenIddict prefer them.
        var notAfter = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(generation);
        foreach (var (prefix, usage) in new[] { (SigningPrefix, X509KeyUsageFlags.DigitalSignature), (EncryptionPrefix, X509KeyUsageFlags.KeyEncipherment) })
        {
            var purpose = Name(prefix, generation);
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest($"CN=OrgKeys OAuth {purpose}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
            using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), notAfter);
            var pfx = certificate.Export(X509ContentType.Pkcs12);
            var value = sealing.Seal(pfx, purpose);
            CryptographicOperations.ZeroMemory(pfx);
            // Nodes starting together race to create the first generation: the first insert wins.
            await sealing.InsertAsync(db, purpose, value, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<X509Certificate2>> LoadAsync(OrgKeysDbContext db, string prefix, CancellationToken cancellationToken)
    {
        var rows = await db.ServerKeys.AsNoTracking().Where(k => k.Purpose.StartsWith(prefix)).ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => Parse(r.Purpose)).Select(r =>
        {
            var pfx = sealing.Unseal(r.Value, r.Purpose);
            try
            {
                return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.EphemeralKeySet);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pfx);
            }
        }).ToList();
    }

    private static string Name(string prefix, int generation) => prefix + generation.ToString("D6", CultureInfo.InvariantCulture);

    private static int Parse(string purpose) =>
        int.Parse(purpose.AsSpan(purpose.IndexOf(':', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture);
}
