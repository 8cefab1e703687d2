using System.Security.Cryptography;
using System.Text;
using OrgKeys.Auth;

namespace OrgKeys.ApiKeys;

/// <summary>API keys are stored only as HMAC-SHA-256 under a pepper derived from the server secret.</summary>
public sealed class ApiKeyHasher(ServerSecret secret)
{
    public byte[] Hash(ReadOnlySpan<char> key)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, ApiKeyFormat.MaxLength);
        Span<byte> ascii = stackalloc byte[ApiKeyFormat.MaxLength];
        var length = Encoding.ASCII.GetBytes(key, ascii);
        return HMACSHA256.HashData(secret.ApiKeyPepper, ascii[..length]);
    }
}
