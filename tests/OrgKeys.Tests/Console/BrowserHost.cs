using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>The browser tests run one class at a time: each class has its own host and browser.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTests
{
    public const string Name = "Browser";
}

/// <summary>
/// The service on a real loopback port (a browser cannot reach the in-memory test server) and one
/// Debian Chromium for all the tests of a class. Without Chromium the tests fail, never skip:
/// test.sh installs it.
/// </summary>
public class BrowserHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BrowserHost()
        : this(new OrgKeysApp())
    {
    }

    protected BrowserHost(OrgKeysApp app) => App = app;

    public OrgKeysApp App { get; }

    /// <summary>Where the service listens, such as <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        App.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium; test.sh does it). Never 'playwright install'.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>A fresh browser profile (no cookies) whose relative URLs resolve against the service.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}
