using System.Text.Json;
using System.Text.RegularExpressions;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Operations;

/// <summary>
/// <c>/v1/docs</c> works air-gapped and sends no browser elsewhere: every asset it names is ours, and
/// the Scalar features that load or call outside hosts are off in the configuration it emits.
/// (Scalar's bundle holds <c>fonts.scalar.com</c> URLs, used only when <c>withDefaultFonts</c> is on.)
/// </summary>
public sealed partial class ApiReferenceTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();
    private HttpClient _client = null!;
    private string _html = "";

    public async Task InitializeAsync()
    {
        _client = _app.CreateClient();
        var response = await _client.GetAsync(new Uri("/v1/docs", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        _html = await response.Content.ReadAsStringAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public void Page_NamesNoOutsideHost() =>
        Assert.Empty(AbsoluteUrl().Matches(_html).Select(m => m.Value));

    [Fact]
    public async Task EveryScriptAndLink_IsServedByOrgKeys_AndNamesNoOutsideHost()
    {
        var assets = AssetReference().Matches(_html).Select(m => m.Groups["url"].Value).ToList();
        Assert.Contains("scalar.js", assets);
        foreach (var asset in assets)
        {
            Assert.False(Uri.TryCreate(asset, UriKind.Absolute, out _), $"{asset} is not relative");
            var response = await _client.GetAsync(new Uri($"/v1/docs/{asset}", UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{asset}: {response.StatusCode}");
            if (asset != "scalar.js")
            {
                // Scalar's own bundle is checked through the options below; the glue script must name no host.
                var body = await response.Content.ReadAsStringAsync();
                var hosts = AbsoluteUrl().Matches(body).Select(m => m.Value)
                    .Where(u => !u.StartsWith("http://www.w3.org/", StringComparison.Ordinal) && u != "http://svgjs.com/svgjs");
                Assert.Empty(hosts);
            }
        }
    }

    [Fact]
    public void Configuration_TurnsOffFontsAgentMcpTelemetryDeveloperToolsAndClientButton()
    {
        var match = Configuration().Match(_html);
        Assert.True(match.Success, "no Scalar configuration in the page");
        using var configuration = JsonDocument.Parse(match.Groups["json"].Value);
        var root = configuration.RootElement;
        Assert.False(root.GetProperty("withDefaultFonts").GetBoolean());
        Assert.False(root.GetProperty("telemetry").GetBoolean());
        Assert.Equal("never", root.GetProperty("showDeveloperTools").GetString());
        Assert.True(root.GetProperty("agent").GetProperty("disabled").GetBoolean());
        Assert.True(root.GetProperty("mcp").GetProperty("disabled").GetBoolean());
        Assert.True(root.GetProperty("hideClientButton").GetBoolean());
        Assert.False(root.TryGetProperty("proxyUrl", out _), "requests must not go through a proxy elsewhere");
        foreach (var source in root.GetProperty("sources").EnumerateArray())
        {
            Assert.False(Uri.TryCreate(source.GetProperty("url").GetString(), UriKind.Absolute, out _));
        }
    }

    [GeneratedRegex(@"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}[^\s""'`)]*")]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"<(?:script|link)[^>]*?(?:src|href)=""(?<url>[^""]+)""")]
    private static partial Regex AssetReference();

    [GeneratedRegex(@"initialize\(\s*'[^']*',\s*\w+,\s*(?<json>\{.*\}),\s*'", RegexOptions.Singleline)]
    private static partial Regex Configuration();
}
