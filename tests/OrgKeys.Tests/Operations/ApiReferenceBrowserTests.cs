using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrgKeys.Tests.Console;

namespace OrgKeys.Tests.Operations;

/// <summary>
/// Issue 19, as an operator's browser sees it: Debian's Chromium opens <c>/v1/docs</c> and renders the
/// reference, and every request it makes on the way goes to OrgKeys' own address (so it works
/// air-gapped), with none of Scalar's buttons that lead to outside services on show.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class ApiReferenceBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task Docs_RenderInChromium_AndEveryRequestGoesToOrgKeys()
    {
        var page = await host.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        var failed = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);
        page.RequestFailed += (_, request) => failed.Enqueue($"{request.Url}: {request.Failure}");

        var response = await page.GotoAsync("/v1/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Equal(200, response!.Status);
        // Rendered from the OpenAPI document, not just loaded: its title, an operation, the tags in the sidebar.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "OrgKeys (Edge Impulse API", Level = 1 })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Get readiness", Level = 3 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Organizations", Exact = true })).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var origin = host.BaseUrl + "/";
        var elsewhere = requests.Where(url => !url.StartsWith(origin, StringComparison.Ordinal)
            && !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:" + origin, StringComparison.Ordinal));
        Assert.Empty(elsewhere);
        Assert.Empty(failed);
        Assert.Contains(origin + "v1/docs/scalar.js", requests);
        Assert.Contains(origin + "v1/openapi.json", requests);

        // Scalar's labels for its agent, MCP, SDK, deploy, developer-tools and outside-client features (from its bundle).
        Assert.Equal(0, await page.GetByText(OutsideFeatures()).Filter(new() { Visible = true }).CountAsync());
    }

    [GeneratedRegex("Ask AI|Generate (SDK|MCP)|Connect MCP|Deploy|Developer Tools|Open API Client")]
    private static partial Regex OutsideFeatures();
}
