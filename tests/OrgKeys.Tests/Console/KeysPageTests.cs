using System.Net;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;
using static OrgKeys.Tests.Console.ConsolePages;

namespace OrgKeys.Tests.Console;

/// <summary>The organization's keys in Chromium: the main journey with axe on every state, and the keyboard flows.</summary>
[Collection(BrowserTests.Name)]
public sealed class KeysPageTests(BrowserHost host) : IClassFixture<BrowserHost>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = host.App;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        var (_, alice) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(alice, "Acme Robotics");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static ILocator Heading(IPage page) => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    private static Task<string> FocusedAsync(IPage page) =>
        page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.textContent.trim()");

    [Fact]
    public async Task MainJourney_SignInCreateCopyUseRevoke_TheApiRefusesAtOnce_WithNoAxeViolation()
    {
        var page = await host.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.GotoAsync("/");
        await SignInAsync(page, "alice");
        await page.GetByRole(AriaRole.Link, new() { Name = "Acme Robotics" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Acme Robotics");
        await Assertions.Expect(page.Locator("dl.profile")).ToContainTextAsync("Active API keys");
        await AssertNoAxeViolationsAsync(page, "the organization overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("API keys");
        await AssertNoAxeViolationsAsync(page, "the key list");
        await page.GetByLabel("Revoked").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No revoked API keys here.")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(page, "the empty key list");

        await page.GetByRole(AriaRole.Link, new() { Name = "Create an API key" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#name-error")).ToHaveTextAsync("Enter a name for the key.");
        await AssertNoAxeViolationsAsync(page, "the key form with errors");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Journey key");
        await page.GetByLabel("1 day").CheckAsync();
        var created = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Create the key" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(200, created.Status);
        Assert.Equal("no-store", (await created.AllHeadersAsync())["cache-control"]);
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Copy your new API key");
        var secret = await page.GetByLabel("Your new API key").InputValueAsync();
        Assert.Matches("^ei_[0-9a-f]{64}$", secret);
        Assert.DoesNotContain(secret, page.Url, StringComparison.Ordinal);
        await AssertNoAxeViolationsAsync(page, "the new key shown once");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#copy-status")).ToHaveTextAsync("Copied to the clipboard.");
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Equal(secret, copied);
        using var withKey = _app.ClientWithKey(copied);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);

        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Journey key" });
        await Assertions.Expect(row).Not.ToContainTextAsync("Never"); // it has been used, and it expires
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Journey key" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Revoke 1 API key?");
        await AssertNoAxeViolationsAsync(page, "the revoke confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke 1 API key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 API key revoked.");

        var refused = await withKey.GetAsync($"/v1/api/organizations/{_org}/apikeys");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await AssertNoAxeViolationsAsync(page, "the key list after revoking");
    }

    [Fact]
    public async Task Keyboard_CreateAndCopy_ThenRevoke_FocusLandsOnEachHeading()
    {
        var page = await host.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.GotoAsync($"/signin?returnUrl=%2Forganizations%2F{_org}%2Fkeys%2Fnew");
        await SignInAsync(page, "alice");
        await Assertions.Expect(Heading(page)).ToBeFocusedAsync();

        var order = new List<string>();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Keyboard key");
        order.Add(await FocusedAsync(page));
        while (order[^1] != "Create the key" && order.Count < 20)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await FocusedAsync(page);
            if (focused != order[^1])
            {
                order.Add(focused); // a date input takes one Tab per part
            }
        }

        Assert.Equal(["name", "role-member", "expiry-30d", "expires-on", "custom-key", "Create the key"], order);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Copy your new API key");
        await Assertions.Expect(Heading(page)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("new-key", await FocusedAsync(page));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Copy the key", await FocusedAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#copy-status")).ToHaveTextAsync("Copied to the clipboard.");
        Assert.Equal(await page.Locator("#new-key").InputValueAsync(), await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("I have copied it", await FocusedAsync(page));
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(Heading(page)).ToHaveTextAsync("API keys");
        await Assertions.Expect(Heading(page)).ToBeFocusedAsync();
        order.Clear();
        while ((order.Count == 0 || order[^1] != "Revoke Keyboard key") && order.Count < 20)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await FocusedAsync(page));
        }

        Assert.Equal(["Create an API key", "status-active", "search", "Filter"], order[..4]);
        Assert.Equal("Revoke Keyboard key", order[^1]);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Revoke 1 API key?");
        await Assertions.Expect(Heading(page)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Revoke 1 API key", await FocusedAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 API key revoked.");
        await Assertions.Expect(Heading(page)).ToBeFocusedAsync();
    }
}
