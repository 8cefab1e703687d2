using System.Reflection;

namespace OrgKeys.Backup;

/// <summary>
/// <c>manifest.json</c> in a backup file: what made it, from which schema, when, and the SHA-256 of
/// the database copy beside it, so a restore can tell a complete, unaltered backup from anything else.
/// </summary>
public sealed record BackupManifest(
    string Format,
    string OrgKeysVersion,
    string Provider,
    string LastMigration,
    DateTime CreatedUtc,
    string Sha256,
    long Bytes)
{
    public const string CurrentFormat = "orgkeys-backup/1";
    public const string ManifestEntry = "manifest.json";
    public const string DatabaseEntry = "orgkeys.db";

    public static string RunningVersion =>
        typeof(BackupManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BackupManifest).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
