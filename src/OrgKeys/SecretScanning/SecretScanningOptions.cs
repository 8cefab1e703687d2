namespace OrgKeys.SecretScanning;

/// <summary><c>OrgKeys:SecretScanning</c>: where GitHub's public keys come from, and how often anyone may disclose keys.</summary>
public sealed class SecretScanningOptions
{
    public const string Section = "OrgKeys:SecretScanning";
    public const string GitHubMeta = "https://api.github.com/meta/public_keys/secret_scanning";

    public GitHubScanningOptions GitHub { get; set; } = new();

    /// <summary>Requests to <c>/v1/leaked-keys</c> one address may make per minute.</summary>
    public int DisclosuresPerMinute { get; set; } = 10;

    public bool IsValid() => GitHub.KeysLocation() is not null && DisclosuresPerMinute is >= 1 and <= 10_000;
}

public sealed class GitHubScanningOptions
{
    /// <summary>An https URL or an absolute local file path of a document shaped like GitHub's meta endpoint.</summary>
    public string KeysUrl { get; set; } = SecretScanningOptions.GitHubMeta;

    /// <summary>The URL to fetch, or a file path to read; null when <see cref="KeysUrl"/> is neither.</summary>
    public (Uri? Url, string? File)? KeysLocation()
    {
        if (Uri.TryCreate(KeysUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
        {
            return (uri, null);
        }

        // Plain http is refused: the document decides whose reports may revoke keys.
        return !KeysUrl.Contains("://", StringComparison.Ordinal) && Path.IsPathFullyQualified(KeysUrl) ? (null, KeysUrl) : null;
    }
}
