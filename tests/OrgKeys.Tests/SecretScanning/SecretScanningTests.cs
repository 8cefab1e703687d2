using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.SecretScanning;

/// <summary>GitHub's secret scanning partner protocol: only signed reports count, and a live key is handled by its organization's policy.</summary>
public class SecretScanningTests(ScanningApp shared) : IClassFixture<ScanningApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpStatusCode> UseAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        return (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode;
    }

    private async Task<HttpStatusCode> CheckAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        return (await client.GetAsync("/v1/auth/check")).StatusCode;
    }

    private Task<(int Keys, int Revoked, int Exposures, int Audit)> CountsAsync() => _app.WithDbAsync(async db =>
        (await db.ApiKeys.CountAsync(), await db.ApiKeys.CountAsync(k => k.RevokedAt != null), await db.ApiKeyExposures.CountAsync(), await db.AuditEntries.CountAsync()));

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    [Fact]
    public async Task SignedReport_RevokesTheKey_AndAnswersGitHubsFeedbackShape()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
        Assert.Equal(HttpStatusCode.NoContent, await CheckAsync(key));

        using var client = _app.CreateClient();
        var response = await client.SendAsync(ScanningApp.Report(ScanningApp.Tokens(key)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        var feedback = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(["token_hash", "token_type", "label"], feedback.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Sha256(key), feedback.GetProperty("token_hash").GetString());
        Assert.Equal("edgeimpulse_api_key", feedback.GetProperty("token_type").GetString());
        Assert.Equal("true_positive", feedback.GetProperty("label").GetString());

        // Refused at once, by the API and by forward auth.
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
        Assert.Equal(HttpStatusCode.Unauthorized, await CheckAsync(key));
        var exposure = await _app.WithDbAsync(db => db.ApiKeyExposures.SingleAsync());
        Assert.Equal((id, "revoked", "github: content", "https://github.com/octo/leak/blob/main/.env"), (exposure.ApiKeyId, exposure.Action, exposure.Source, exposure.Url));

        var audit = await (await _admin.GetAsync($"/v1/api/organizations/{_org}/audit")).ReadJsonAsync();
        var exposed = audit.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "apikey.exposed");
        Assert.Equal("secret scanning: github", exposed.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal(id, exposed.GetProperty("apiKeyId").GetInt32());
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "apikey.revoke");
    }

    public static TheoryData<string> BadSignatures => ["tampered", "wrong key id", "unsigned", "no key id", "garbage signature"];

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task BadlySignedReport_Gets401_AndChangesNothing(string how)
    {
        var (_, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var json = ScanningApp.Tokens(key);
        using var request = how switch
        {
            "tampered" => ScanningApp.Report(json, sendInstead: json.Replace("content", "contenT", StringComparison.Ordinal)),
            "wrong key id" => ScanningApp.Report(json, keyId: "someone-else"),
            "unsigned" => ScanningApp.Report(json, signature: ""),
            "no key id" => ScanningApp.Report(json, keyId: ""),
            _ => ScanningApp.Report(json, signature: "not base64 at all!"),
        };
        var before = await CountsAsync();
        using var client = _app.CreateClient();
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task MadeUpToken_IsFalsePositive_WithoutADatabaseLookup()
    {
        // The shape of a generated key, with a wrong checksum.
        var madeUp = "ei_" + new string('a', 64);
        using var client = _app.CreateClient();
        // Warm up: the key document is read on the first report.
        await client.SendAsync(ScanningApp.Report(ScanningApp.Tokens(madeUp)));
        await _app.SettleAsync();

        var before = _app.Commands.Count;
        var response = await client.SendAsync(ScanningApp.Report(ScanningApp.Tokens(madeUp, "not even a key")));
        Assert.Equal(before, _app.Commands.Count);
        var labels = (await response.ReadJsonAsync()).EnumerateArray().Select(f => f.GetProperty("label").GetString());
        Assert.Equal(["false_positive", "false_positive"], labels);
    }

    [Fact]
    public async Task NotifyPolicy_KeyStaysLive_AndTheListingShowsTheExposure()
    {
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikey-policy", new { onExposure = "notify" })).StatusCode);
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var client = _app.CreateClient();
        var feedback = await (await client.SendAsync(ScanningApp.Report(ScanningApp.Tokens(key)))).ReadJsonAsync();
        Assert.Equal("true_positive", feedback[0].GetProperty("label").GetString());

        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
        var listing = await (await _admin.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync();
        var listed = listing.GetProperty("apiKeys").EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
        var exposure = Assert.Single(listed.GetProperty("exposures").EnumerateArray());
        Assert.Equal("notified", exposure.GetProperty("action").GetString());
        Assert.Equal("github: content", exposure.GetProperty("source").GetString());
        Assert.Equal("https://github.com/octo/leak/blob/main/.env", exposure.GetProperty("url").GetString());
        Assert.True(exposure.TryGetProperty("reportedAt", out _));
    }

    [Fact]
    public async Task SignedReport_ThatIsNotAJsonArray_Gets400_AndChangesNothing()
    {
        var before = await CountsAsync();
        using var client = _app.CreateClient();
        var response = await client.SendAsync(ScanningApp.Report("{\"token\": 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(before, await CountsAsync());
    }
}
