using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Generated keys are <c>ei_</c> + 56 random lowercase hex characters + 8 hex characters of the
/// CRC-32 (IEEE) of everything before them, so a mistyped or made-up key is refused before any
/// database lookup. Custom keys are any 32 to 255 printable ASCII characters starting with <c>ei_</c>.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "ei_";
    public const int MinLength = 32;
    public const int MaxLength = 255;
    private const int RandomHexLength = 56;
    private const int ChecksumHexLength = 8;
    public const int GeneratedLength = 3 + RandomHexLength + ChecksumHexLength;

    public static string Generate()
    {
        var body = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomHexLength / 2));
        return body + Checksum(body);
    }

    /// <summary>Cheap, allocation-free check of a presented credential.</summary>
    public static bool IsPlausible(ReadOnlySpan<char> key) =>
        IsGeneratedShape(key) ? HasValidChecksum(key) : IsValidCustom(key);

    /// <summary>Why a custom key is refused, or null when it is acceptable.</summary>
    public static string? ValidateCustom(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "'apiKey' must start with 'ei_'.";
        }

        if (key.Length is < MinLength or > MaxLength)
        {
            return $"'apiKey' must be {MinLength} to {MaxLength} characters long.";
        }

        if (!IsValidCustom(key))
        {
            return "'apiKey' may contain only printable ASCII characters and no whitespace.";
        }

        // A custom key that looks generated must carry a valid checksum, or it could never be used.
        return IsGeneratedShape(key) && !HasValidChecksum(key)
            ? "'apiKey' looks like a generated key but its checksum is wrong."
            : null;
    }

    /// <summary>The hint shown in listings: never enough of the secret to use it.</summary>
    public static string Mask(string key) => $"{key[..7]}…{key[^4..]}";

    private static bool IsValidCustom(ReadOnlySpan<char> key)
    {
        if (key.Length is < MinLength or > MaxLength || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsGeneratedShape(ReadOnlySpan<char> key)
    {
        if (key.Length != GeneratedLength || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key[Prefix.Length..])
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasValidChecksum(ReadOnlySpan<char> key)
    {
        Span<byte> ascii = stackalloc byte[GeneratedLength];
        Encoding.ASCII.GetBytes(key, ascii);
        var body = ascii[..^ChecksumHexLength];
        Span<byte> expected = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(expected, Crc32.HashToUInt32(body));
        Span<byte> actual = stackalloc byte[4];
        return Convert.FromHexString(key[^ChecksumHexLength..], actual, out _, out _) == System.Buffers.OperationStatus.Done
            && actual.SequenceEqual(expected);
    }

    private static string Checksum(string body) =>
        Crc32.HashToUInt32(Encoding.ASCII.GetBytes(body)).ToString("x8");
}
