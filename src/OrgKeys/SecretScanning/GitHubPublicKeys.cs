using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace OrgKeys.SecretScanning;

/// <summary>
/// GitHub's secret scanning public keys, read from <c>OrgKeys:SecretScanning:GitHub:KeysUrl</c> and
/// cached. An unknown key identifier re-reads the document, at most once a minute, so a flood of
/// made-up identifiers cannot make the server hammer GitHub.
/// </summary>
public sealed class GitHubPublicKeys(IHttpClientFactory clients, IOptions<SecretScanningOptions> options, TimeProvider time, ILogger<GitHubPublicKeys> log) : IDisposable
{
    public const string HttpClientName = "github-secret-scanning-keys";
    private static readonly TimeSpan RereadAfter = TimeSpan.FromMinutes(1);

    private sealed record KeyDocument([property: JsonPropertyName("public_keys")] List<PublicKeyEntry>? PublicKeys);

    private sealed record PublicKeyEntry(
        [property: JsonPropertyName("key_identifier")] string? KeyIdentifier,
        [property: JsonPropertyName("key")] string? Key);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private FrozenDictionary<string, byte[]> _keys = FrozenDictionary<string, byte[]>.Empty;
    private DateTimeOffset? _lastRead;

    /// <summary>Whether <paramref name="signature"/> (base64 DER) is GitHub's, by key <paramref name="keyIdentifier"/>, over <paramref name="body"/>.</summary>
    public async Task<bool> VerifyAsync(string keyIdentifier, string signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var publicKey = await FindAsync(keyIdentifier, cancellationToken);
        if (publicKey is null || signature.Length > 512)
        {
            return false;
        }

        var der = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, der, out var length))
        {
            return false;
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        return ecdsa.VerifyData(body.Span, der.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose() => _reading.Dispose();

    private async Task<byte[]?> FindAsync(string keyIdentifier, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _keys).TryGetValue(keyIdentifier, out var key))
        {
            return key;
        }

        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (_keys.TryGetValue(keyIdentifier, out key) || (_lastRead is { } last && time.GetUtcNow() - last < RereadAfter))
            {
                return key;
            }

            _lastRead = time.GetUtcNow();
            Volatile.Write(ref _keys, await ReadAsync(cancellationToken));
            return _keys.GetValueOrDefault(keyIdentifier);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or TaskCanceledException or CryptographicException)
        {
            // Keep the keys we had: GitHub being unreachable must not stop reports signed with a known key.
            log.LogWarning("Could not read GitHub's secret scanning keys: {Message}", e.Message);
            return null;
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task<FrozenDictionary<string, byte[]>> ReadAsync(CancellationToken cancellationToken)
    {
        var (url, file) = options.Value.GitHub.KeysLocation()!.Value;
        // The client has a timeout, follows no redirect and buffers at most 1 MiB (see AddSecretScanning).
        var json = url is not null
            ? await clients.CreateClient(HttpClientName).GetByteArrayAsync(url, cancellationToken)
            : await File.ReadAllBytesAsync(file!, cancellationToken);
        var document = JsonSerializer.Deserialize<KeyDocument>(json);
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in document?.PublicKeys ?? [])
        {
            if (entry.KeyIdentifier is null || entry.Key is null)
            {
                continue;
            }

            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(entry.Key);
            // Only P-256, the curve GitHub signs with: anything else in the document is ignored.
            if (ecdsa.KeySize == 256)
            {
                keys[entry.KeyIdentifier] = ecdsa.ExportSubjectPublicKeyInfo();
            }
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
