using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.SecretScanning;

/// <summary>A host whose GitHub key document is a temp file holding the public half of a P-256 pair made here.</summary>
public sealed class ScanningApp : SharedApp
{
    public const string KeyId = "test-key-1";
    private static readonly ECDsa Signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly string KeysFile = WriteKeys();

    public ScanningApp()
        : base(new OrgKeysApp(new()
        {
            ["OrgKeys:SecretScanning:GitHub:KeysUrl"] = KeysFile,
            ["OrgKeys:SecretScanning:DisclosuresPerMinute"] = "1000",
        }))
    {
    }

    private static string WriteKeys()
    {
        var path = Path.Combine(Path.GetTempPath(), $"orgkeys-github-keys-{Guid.NewGuid():N}.json");
        var document = new { public_keys = new[] { new { key_identifier = KeyId, key = Signer.ExportSubjectPublicKeyInfoPem(), is_current = true } } };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }

    public static string Sign(byte[] body) =>
        Convert.ToBase64String(Signer.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    /// <summary>A report as GitHub sends it; <paramref name="signature"/> and <paramref name="keyId"/> override the real ones, "" leaves a header out.</summary>
    public static HttpRequestMessage Report(string json, string? keyId = KeyId, string? signature = null, string? sendInstead = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/secret-scanning/github")
        {
            Content = new ByteArrayContent(sendInstead is null ? body : Encoding.UTF8.GetBytes(sendInstead)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (keyId is { Length: > 0 })
        {
            request.Headers.Add("Github-Public-Key-Identifier", keyId);
        }

        signature ??= Sign(body);
        if (signature.Length > 0)
        {
            request.Headers.Add("Github-Public-Key-Signature", signature);
        }

        return request;
    }

    public static string Tokens(params string[] tokens) => JsonSerializer.Serialize(tokens.Select(t => new
    {
        token = t,
        type = "edgeimpulse_api_key",
        url = "https://github.com/octo/leak/blob/main/.env",
        source = "content",
    }));
}
