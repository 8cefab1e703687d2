using System.Security.Cryptography;
using System.Text;
using OrgKeys.Secrets;

namespace OrgKeys.ApiKeys;

/// <summary>
/// API keys are stored only as HMAC-SHA-256 under a pepper derived from the server secret. During a
/// rotation a key may rest on the other secret: <see cref="TryHashOther"/> gives that hash, for the
/// lookup miss path only.
/// </summary>
public sealed class ApiKeyHasher(ServerSecret secret) : IDisposable
{
    // One keyed HMAC context per thread, reset after each use: the one-shot HMACSHA256.HashData sets
    // up and tears down an OpenSSL context on every call, about 1 µs of its 1.5 on the hot path.
    // It is remade when a rotation in this process changes the pepper.
    private readonly ThreadLocal<Keyed> _hmac = new(() => new Keyed(secret.ApiKeyPepper), trackAllValues: true);

    public const int HashSize = HMACSHA256.HashSizeInBytes;

    public byte[] Hash(ReadOnlySpan<char> key)
    {
        var hash = new byte[HashSize];
        Hash(key, hash);
        return hash;
    }

    /// <summary>The hash to store for a new key, and the version of the secret it was made under.</summary>
    public (byte[] Hash, int SecretVersion) HashForStorage(ReadOnlySpan<char> key)
    {
        var state = secret.State;
        var hash = new byte[HashSize];
        HashWith(state.Active.ApiKeyPepper, key, hash);
        return (hash, state.ActiveVersion);
    }

    /// <summary>Into <paramref name="destination"/> (<see cref="HashSize"/> bytes), for the hot path that keeps it on the stack.</summary>
    public void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, ApiKeyFormat.MaxLength);
        Span<byte> ascii = stackalloc byte[ApiKeyFormat.MaxLength];
        var length = Encoding.ASCII.GetBytes(key, ascii);
        var pepper = secret.ApiKeyPepper;
        var keyed = _hmac.Value!;
        if (!ReferenceEquals(keyed.Pepper, pepper))
        {
            keyed.Hmac.Dispose();
            _hmac.Value = keyed = new Keyed(pepper);
        }

        keyed.Hmac.AppendData(ascii[..length]);
        keyed.Hmac.GetHashAndReset(destination);
    }

    /// <summary>
    /// The hash under the other secret of a rotation, when this node knows one; <paramref name="moveToVersion"/>
    /// is the current secret's version when a key found by it should be re-hashed under that (the other is older).
    /// </summary>
    public bool TryHashOther(ReadOnlySpan<char> key, Span<byte> destination, out int? moveToVersion)
    {
        var state = secret.State;
        moveToVersion = state.MovesKeys ? state.ActiveVersion : null;
        if (state.Other is null)
        {
            return false;
        }

        HashWith(state.Other.ApiKeyPepper, key, destination);
        return true;
    }

    private static void HashWith(byte[] pepper, ReadOnlySpan<char> key, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, ApiKeyFormat.MaxLength);
        Span<byte> ascii = stackalloc byte[ApiKeyFormat.MaxLength];
        var length = Encoding.ASCII.GetBytes(key, ascii);
        HMACSHA256.HashData(pepper, ascii[..length], destination);
    }

    public void Dispose()
    {
        foreach (var keyed in _hmac.Values)
        {
            keyed.Hmac.Dispose();
        }

        _hmac.Dispose();
    }

    private sealed class Keyed(byte[] pepper)
    {
        public byte[] Pepper { get; } = pepper;
        public IncrementalHash Hmac { get; } = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, pepper);
    }
}
