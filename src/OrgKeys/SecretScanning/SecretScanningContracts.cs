using System.Text.Json.Serialization;

namespace OrgKeys.SecretScanning;

/// <summary>One token in GitHub's report.</summary>
public sealed record GitHubTokenReport(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("source")] string? Source);

/// <summary>GitHub's feedback for one token: named by its SHA-256, never echoed.</summary>
public sealed record GitHubTokenFeedback(
    [property: JsonPropertyName("token_hash")] string TokenHash,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("label")] string Label);

/// <summary>Body of <c>/v1/leaked-keys</c>.</summary>
public sealed record LeakedKeysRequest(IReadOnlyList<string?>? Keys, string? Url, string? Source);

/// <summary>Where a report says a key was seen, and by whom, made safe to store and show.</summary>
public static class ReportText
{
    public const int MaxUrlLength = 2048;
    public const int MaxSourceLength = 64;

    /// <summary>An absolute http(s) URL of at most 2048 characters, or null.</summary>
    public static string? Url(string? url) =>
        url is { Length: <= MaxUrlLength } && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? url : null;

    /// <summary><paramref name="reporter"/>, then what the reporter said, printable ASCII only and cut to 64 characters.</summary>
    public static string Source(string reporter, string? said)
    {
        var text = string.IsNullOrWhiteSpace(said) ? reporter : $"{reporter}: {said}";
        text = string.Concat(text.Where(c => c is >= ' ' and <= '~'));
        return text.Length <= MaxSourceLength ? text : text[..MaxSourceLength];
    }
}
