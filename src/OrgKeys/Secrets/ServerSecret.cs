using System.Security.Cryptography;
using System.Text;
using OrgKeys.Data;

namespace OrgKeys.Secrets;

/// <summary>
/// The one secret that is deliberately not in the database: <c>OrgKeys:ServerSecret</c> (base64, at
/// least 32 bytes) or, if unset, the file <c>server-secret</c> in the data folder, created on first
/// start. API keys are stored as HMACs under a key derived from it, and the key material kept in
/// the database is sealed under another, so a stolen database verifies no key and forges no session.
/// Every node on one database must be configured with the same value.
/// </summary>
public sealed class ServerSecret
{
    internal const string FileName = "server-secret";

    public ServerSecret(IConfiguration configuration, DataDirectory dataDirectory)
    {
        var secret = Load(configuration["OrgKeys:ServerSecret"], dataDirectory.File(FileName));
        ApiKeyPepper = Derive(secret, "orgkeys/api-key-hmac");
        SealingKey = Derive(secret, "orgkeys/server-key-sealing");
        CheckValue = Derive(secret, "orgkeys/server-secret-check");
        DataProtectionKey = Derive(secret, "orgkeys/data-protection-key-ring");
    }

    internal byte[] ApiKeyPepper { get; }
    internal byte[] SealingKey { get; }
    /// <summary>Stored in the database so a node started with another secret refuses to run.</summary>
    internal byte[] CheckValue { get; }
    /// <summary>Seals the ASP.NET Core data-protection key ring, which is kept in the database.</summary>
    internal byte[] DataProtectionKey { get; }

    /// <summary>Whether a secret is already set, without creating one (a restore must not invent it).</summary>
    internal static bool IsConfigured(IConfiguration configuration, DataDirectory dataDirectory) =>
        !string.IsNullOrWhiteSpace(configuration["OrgKeys:ServerSecret"]) || File.Exists(dataDirectory.File(FileName));

    /// <summary>Whether a stored check value was made from this secret (constant time).</summary>
    internal bool Matches(byte[] storedCheckValue) => CryptographicOperations.FixedTimeEquals(storedCheckValue, CheckValue);

    private static byte[] Derive(byte[] secret, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes(purpose));

    private static byte[] Load(string? configured, string path)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Decode(configured, "OrgKeys:ServerSecret");
        }

        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        var created = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, Encoding.ASCII, options);
            writer.Write(Convert.ToBase64String(created));
            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process in the same folder created it first: use theirs.
            return Decode(File.ReadAllText(path).Trim(), path);
        }
    }

    private static byte[] Decode(string value, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The server secret in {source} is not base64.");
        }

        return bytes.Length >= 32
            ? bytes
            : throw new InvalidOperationException($"The server secret in {source} must be at least 32 bytes.");
    }
}
