using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace OrgKeys.Secrets;

/// <summary>
/// The data-protection key ring lives in the database, shared by every node; its keys are sealed
/// with AES-GCM under a key derived from the server secret, so a copy of the database alone cannot
/// unprotect anything (antiforgery tokens, protected payloads).
/// </summary>
internal sealed class ServerSecretXmlEncryptor(Func<byte[]> key) : IXmlEncryptor
{
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    /// <summary>Seals under the secret in force when each key is made.</summary>
    public ServerSecretXmlEncryptor(ServerSecret secret)
        : this(() => secret.DataProtectionKey)
    {
    }

    /// <summary>Seals under one given key, to re-seal the ring in a rotation.</summary>
    public ServerSecretXmlEncryptor(byte[] dataProtectionKey)
        : this(() => dataProtectionKey)
    {
    }

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key(), TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement("sealedKey",
            new XComment(" AES-GCM under the OrgKeys server secret "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(ServerSecretXmlDecryptor));
    }
}

/// <summary>Activated by the data-protection system by type name, with the service provider.</summary>
internal sealed class ServerSecretXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var state = services.GetRequiredService<ServerSecret>().State;
        return Open(encryptedElement, state.Other is null ? [state.Active] : [state.Active, state.Other]);
    }

    /// <summary>Opens a sealed key under the first of <paramref name="generations"/> that made it.</summary>
    internal static XElement Open(XElement encryptedElement, IReadOnlyList<SecretGeneration> generations)
    {
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value")
            ?? throw new CryptographicException("The sealed data-protection key has no value."));
        const int header = ServerSecretXmlEncryptor.NonceSize + ServerSecretXmlEncryptor.TagSize;
        if (sealedBytes.Length < header)
        {
            throw new CryptographicException("The sealed data-protection key is truncated.");
        }

        var plaintext = new byte[sealedBytes.Length - header];
        for (var i = 0; ; i++)
        {
            try
            {
                using var aes = new AesGcm(generations[i].DataProtectionKey, ServerSecretXmlEncryptor.TagSize);
                aes.Decrypt(sealedBytes.AsSpan(0, ServerSecretXmlEncryptor.NonceSize), sealedBytes.AsSpan(header),
                    sealedBytes.AsSpan(ServerSecretXmlEncryptor.NonceSize, ServerSecretXmlEncryptor.TagSize), plaintext);
                break;
            }
            catch (AuthenticationTagMismatchException) when (i + 1 < generations.Count)
            {
                // Sealed under the other secret of a rotation: try that one.
            }
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>A stored key element with every sealed part opened under <paramref name="from"/> and sealed again under <paramref name="to"/>.</summary>
    internal static string Reseal(string keyXml, IReadOnlyList<SecretGeneration> from, SecretGeneration to)
    {
        var key = XElement.Parse(keyXml);
        foreach (var sealedKey in key.Descendants("sealedKey").ToList())
        {
            var opened = Open(sealedKey, from);
            sealedKey.ReplaceWith(new ServerSecretXmlEncryptor(to.DataProtectionKey).Encrypt(opened).EncryptedElement);
        }

        return key.ToString(SaveOptions.DisableFormatting);
    }
}

internal static class KeyRingSealingExtensions
{
    public static IServiceCollection SealKeyRingWithServerSecret(this IServiceCollection services)
    {
        services.AddOptions<KeyManagementOptions>()
            .Configure<ServerSecret>((options, secret) => options.XmlEncryptor = new ServerSecretXmlEncryptor(secret));
        return services;
    }
}
