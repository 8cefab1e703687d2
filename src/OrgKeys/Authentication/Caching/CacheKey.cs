using System.Buffers.Binary;

namespace OrgKeys.Authentication.Caching;

/// <summary>A 32-byte digest (HMAC or SHA-256 of a credential) as a value type: no allocation per lookup.</summary>
public readonly record struct CacheKey(ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>
    /// The digest's bits are already uniform, and a client cannot choose them (the HMAC is keyed with
    /// the server's secret; the SHA-256 of a token is preimage-resistant): its first word is the hash.
    /// </summary>
    public override int GetHashCode() => (int)A;

    public bool Equals(CacheKey other) => A == other.A && B == other.B && C == other.C && D == other.D;

    /// <summary>The digest's 32 bytes again, as <see cref="From"/> read them.</summary>
    public byte[] ToArray()
    {
        var digest = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(digest, A);
        BinaryPrimitives.WriteUInt64LittleEndian(digest.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64LittleEndian(digest.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64LittleEndian(digest.AsSpan(24), D);
        return digest;
    }

    public static CacheKey From(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(digest),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
}
