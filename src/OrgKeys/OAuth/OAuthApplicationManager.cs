using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OrgKeys.Data.Entities;

namespace OrgKeys.OAuth;

/// <summary>
/// OpenIddict's application manager with client secrets stored as SHA-256 instead of PBKDF2.
/// <para>
/// PBKDF2 exists to slow down guessing a secret a person chose. OrgKeys generates every client secret
/// (32 random bytes, <see cref="OAuthClientService"/>), so no guess can succeed and a slow hash only
/// makes every client-credentials grant pay milliseconds of CPU: the same reasoning as API keys. The
/// comparison is in fixed time. A secret stored in PBKDF2's form before this change still validates.
/// </para>
/// </summary>
public sealed class OAuthApplicationManager(
    IOpenIddictApplicationCache<OAuthApplication> cache,
    ILogger<OpenIddictApplicationManager<OAuthApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OAuthApplication> store)
    : OpenIddictApplicationManager<OAuthApplication>(cache, logger, options, store)
{
    private const string Prefix = "sha256:";

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Prefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }

        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        var valid = Convert.TryFromBase64String(comparand[Prefix.Length..], stored, out var written) && written == stored.Length;
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), presented);
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(stored, presented) && valid);
    }
}
