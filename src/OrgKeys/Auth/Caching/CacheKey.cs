using System.Buffers.Binary;

namespace OrgKeys.Auth.Caching;

/// <summary>A 32-byte digest (HMAC or SHA-256 of a credential) as a value type: no allocation per lookup.</summary>
public readonly record struct CacheKey(ulong A, ulong B, ulong C, ulong D)
{
    public static CacheKey From(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(digest),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
}
