using System.Security.Cryptography;
using System.Text;
using OrgKeys.Data;

namespace OrgKeys.Secrets;

/// <summary>
/// The one secret that is deliberately not in the database: <c>OrgKeys:ServerSecret</c> (base64, at
/// least 32 bytes) or, if unset, the file <c>server-secret</c> in the data folder, created on first
/// start. API keys are stored as HMACs under a key derived from it, and the key material kept in
/// the database is sealed under another, so a stolen database verifies no key and forges no session.
/// Every node on one database must be configured with the same value. While a rotation is under way
/// a node also holds the previous secret (<c>OrgKeys:PreviousServerSecret</c> or the file
/// <c>server-secret.previous</c>): which of the two is in force is the database's word, read at start.
/// </summary>
public sealed class ServerSecret
{
    internal const string FileName = "server-secret";
    internal const string PreviousFileName = "server-secret.previous";

    private volatile SecretState _state;

    public ServerSecret(IConfiguration configuration, DataDirectory dataDirectory)
    {
        FromConfiguration = !string.IsNullOrWhiteSpace(configuration["OrgKeys:ServerSecret"]);
        Configured = new SecretGeneration(Load(configuration["OrgKeys:ServerSecret"], dataDirectory.File(FileName)));
        var previous = configuration["OrgKeys:PreviousServerSecret"];
        var previousFile = dataDirectory.File(PreviousFileName);
        ConfiguredPrevious = !string.IsNullOrWhiteSpace(previous) ? new SecretGeneration(Decode(previous, "OrgKeys:PreviousServerSecret"))
            : !FromConfiguration && File.Exists(previousFile) ? new SecretGeneration(Decode(File.ReadAllText(previousFile).Trim(), previousFile))
            : null;
        _state = new SecretState(Configured, 1, null, 0);
    }

    /// <summary>Whether the secret comes from configuration (the operator rotates it) or from the data folder's file (OrgKeys may).</summary>
    internal bool FromConfiguration { get; }

    internal SecretGeneration Configured { get; private set; }

    internal SecretGeneration? ConfiguredPrevious { get; private set; }

    /// <summary>The secret in force, and the other one this node knows while a rotation is under way.</summary>
    internal SecretState State => _state;

    internal byte[] ApiKeyPepper => _state.Active.ApiKeyPepper;
    internal byte[] SealingKey => _state.Active.SealingKey;
    /// <summary>Stored in the database so a node started with another secret refuses to run.</summary>
    internal byte[] CheckValue => _state.Active.CheckValue;
    /// <summary>Seals the ASP.NET Core data-protection key ring, which is kept in the database.</summary>
    internal byte[] DataProtectionKey => _state.Active.DataProtectionKey;

    internal void Activate(SecretState state) => _state = state;

    /// <summary>After <c>secret rotate</c> wrote new files: what this process holds from now on.</summary>
    internal void Replace(SecretGeneration current, SecretGeneration? previous)
    {
        Configured = current;
        ConfiguredPrevious = previous;
    }

    /// <summary>Whether a secret is already set, without creating one (a restore must not invent it).</summary>
    internal static bool IsConfigured(IConfiguration configuration, DataDirectory dataDirectory) =>
        !string.IsNullOrWhiteSpace(configuration["OrgKeys:ServerSecret"]) || File.Exists(dataDirectory.File(FileName));

    /// <summary>Whether a stored check value was made from the configured secret or the previous one (constant time).</summary>
    internal bool Matches(byte[] storedCheckValue) =>
        Configured.Matches(storedCheckValue) || ConfiguredPrevious?.Matches(storedCheckValue) == true;

    internal static byte[] Decode(string value, string source)
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
        try
        {
            WriteFile(path, created, FileMode.CreateNew);
            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process in the same folder created it first: use theirs.
            return Decode(File.ReadAllText(path).Trim(), path);
        }
    }

    /// <summary>Writes a secret readable by its owner only.</summary>
    internal static void WriteFile(string path, byte[] secret, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, Encoding.ASCII, options);
        writer.Write(Convert.ToBase64String(secret));
    }
}

/// <summary>The keys derived from one server secret.</summary>
internal sealed class SecretGeneration
{
    public SecretGeneration(byte[] secret)
    {
        Secret = secret;
        ApiKeyPepper = Derive(secret, "orgkeys/api-key-hmac");
        SealingKey = Derive(secret, "orgkeys/server-key-sealing");
        CheckValue = Derive(secret, "orgkeys/server-secret-check");
        DataProtectionKey = Derive(secret, "orgkeys/data-protection-key-ring");
    }

    public byte[] Secret { get; }
    public byte[] ApiKeyPepper { get; }
    public byte[] SealingKey { get; }
    public byte[] CheckValue { get; }
    public byte[] DataProtectionKey { get; }

    public bool Matches(byte[] storedCheckValue) => CryptographicOperations.FixedTimeEquals(storedCheckValue, CheckValue);

    private static byte[] Derive(byte[] secret, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes(purpose));
}

/// <summary>
/// The secret in force (new keys are hashed and material sealed under it) with its version, and the
/// other one this node knows while a rotation is under way, tried when the first finds nothing. The
/// other is older once the database has rotated, newer on a node given the new secret before that.
/// </summary>
internal sealed record SecretState(SecretGeneration Active, int ActiveVersion, SecretGeneration? Other, int OtherVersion)
{
    /// <summary>Keys found under the other secret move to the active one only when it is the newer.</summary>
    public bool MovesKeys => Other is not null && ActiveVersion > OtherVersion;
}
