using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;
using static OrgKeys.Tests.Console.ConsolePages;

namespace OrgKeys.Tests.Console;

/// <summary>axe (WCAG 2.2 AA and best practices) on every page and state of the console, and the offline API reference.</summary>
[Collection(BrowserTests.Name)]
public sealed class AccessibilityTests(BrowserHost host) : IClassFixture<BrowserHost>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = host.App;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.CreateUserAsync("alice");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SignInPage_EmptyWithErrorsAndThrottled_HasNoViolations()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/signin");
        await AssertNoAxeViolationsAsync(page, "the empty sign-in page");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#username-error")).ToHaveTextAsync("Enter your username or e-mail.");
        await Assertions.Expect(page.Locator("#password-error")).ToHaveTextAsync("Enter your password.");
        await AssertNoAxeViolationsAsync(page, "the sign-in page with validation errors");

        using var api = _app.CreateClient();
        for (var i = 0; i < 6; i++)
        {
            await api.PostAsJsonAsync("/v1/api-login", new { username = "alice", password = "wrong password, again" });
        }

        await SignInAsync(page, "alice", "still the wrong password");
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("Too many failed sign-in attempts; try again in");
        await AssertNoAxeViolationsAsync(page, "the sign-in page with the throttle message");
    }

    [Fact]
    public async Task AccountAndErrorPages_EmptyFullPasswordErrorAndChanged_HaveNoViolations()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/account");
        await SignInAsync(page, "alice");
        await Assertions.Expect(page.GetByText("You are not a member of any organization yet.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await AssertNoAxeViolationsAsync(page, "the account page with no organization");

        await page.GetByLabel("Current password").FillAsync("not my password");
        await page.GetByLabel("New password").FillAsync("a brand new and long passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("That is not your current password.");
        await Assertions.Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
        await AssertNoAxeViolationsAsync(page, "the account page with a password error");

        await page.GetByLabel("Current password").FillAsync(OrgKeysApp.Password);
        await page.GetByLabel("New password").FillAsync("a brand new and long passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Password changed.");
        await AssertNoAxeViolationsAsync(page, "the account page after a password change");

        var (_, carol) = await _app.SignedInUserAsync("carol");
        await OrgKeysApp.CreateOrganizationAsync(carol, "Acme");
        var full = await host.NewPageAsync();
        await full.GotoAsync("/signin");
        await SignInAsync(full, "carol");
        await Assertions.Expect(full.GetByRole(AriaRole.Cell, new() { Name = "Acme" })).ToBeVisibleAsync();
        await full.GetByRole(AriaRole.Link, new() { Name = "Acme" }).ClickAsync();
        await full.GetByRole(AriaRole.Navigation, new() { Name = "Account" }).GetByRole(AriaRole.Link, new() { Name = "My account" }).ClickAsync();
        Assert.Equal($"{host.BaseUrl}/account", full.Url);
        await AssertNoAxeViolationsAsync(full, "the account page");

        var missing = await full.GotoAsync("/no-such-page");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(full.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
        await AssertNoAxeViolationsAsync(full, "the error page");
    }

    [Fact]
    public async Task MembersPage_AdminStatesAndAMembersView_HaveNoViolations()
    {
        var (_, aliceApi) = await _app.SignedInUserAsync("dora");
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(aliceApi, "Acme");
        Assert.True((await _app.JoinAsync(aliceApi, org, "alice", "member")).IsSuccessStatusCode);
        var admin = await host.NewPageAsync();
        await admin.GotoAsync($"/organizations/{org}/members");
        await SignInAsync(admin, "dora");
        await admin.GetByLabel("Username or e-mail").FillAsync("erin@example.com");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Invitation sent.");
        await AssertNoAxeViolationsAsync(admin, "the members page after an invitation");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Remove dora" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#error-summary")).ToContainTextAsync("An organization must keep at least one admin.");
        await AssertNoAxeViolationsAsync(admin, "the members page with the last-admin message");

        var member = await host.NewPageAsync();
        await member.GotoAsync($"/organizations/{org}/keys");
        await SignInAsync(member, "alice");
        await Assertions.Expect(member.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("API keys");
        await Assertions.Expect(member.GetByRole(AriaRole.Button, new() { Name = "Revoke selected keys" })).ToHaveCountAsync(0);
        await AssertNoAxeViolationsAsync(member, "a member's key list");
        await member.GotoAsync($"/organizations/{org}/members");
        await Assertions.Expect(member.GetByRole(AriaRole.Button, new() { Name = "Invite" })).ToHaveCountAsync(0);
        await AssertNoAxeViolationsAsync(member, "a member's members page");
    }

    [Fact]
    public async Task AuditPage_FullFilteredEmptyAndPaged_HasNoViolations()
    {
        var (_, audra) = await _app.SignedInUserAsync("audra");
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(audra, "Acme");
        for (var i = 0; i < 26; i++)
        {
            await OrgKeysApp.CreateKeyAsync(audra, org, name: $"key {i:00}");
        }

        var page = await host.NewPageAsync();
        await page.GotoAsync($"/organizations/{org}");
        await SignInAsync(page, "audra");
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByText("Page 1 of 2")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(page, "the audit log, first of two pages");

        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Page 2 of 2")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(page, "the audit log, last page");

        await page.GetByLabel("Action").SelectOptionAsync("member.remove");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No entries match this filter.")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(page, "the audit log, filtered to nothing");
    }

    [Fact]
    public async Task WhiteLabelAdminJourney_MintCopyRevoke_HasNoViolations()
    {
        var (_, walter) = await _app.SignedInUserAsync("walter");
        var (adminOrg, _) = await OrgKeysApp.CreateOrganizationAsync(walter, "Acme admin");
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Null((await scope.ServiceProvider.GetRequiredService<WhiteLabelService>().CreateAsync("Acme", "acme.example.com", adminOrg, CancellationToken.None)).Error);
        }

        var inner = await walter.PostAsJsonAsync($"/v1/api/organizations/{adminOrg}/whitelabel/organizations", new { organizationName = "Inner one" });
        inner.EnsureSuccessStatusCode();

        var page = await host.NewPageAsync();
        await page.GotoAsync($"/organizations/{adminOrg}");
        await SignInAsync(page, "walter");
        await page.GetByRole(AriaRole.Link, new() { Name = "its inner organizations and their temporary keys" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("White label Acme");
        await AssertNoAxeViolationsAsync(page, "the white label's inner organizations");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the organization" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
        await AssertNoAxeViolationsAsync(page, "the create form with an error");
        await page.GetByLabel("Name").FillAsync("Inner two");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the organization" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Copy the admin key");
        await AssertNoAxeViolationsAsync(page, "a new inner organization's admin key shown once");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete Inner two" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await AssertNoAxeViolationsAsync(page, "the delete confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Inner two" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Organization deleted.");
        await AssertNoAxeViolationsAsync(page, "the inner organizations after a deletion");
        await page.GetByRole(AriaRole.Link, new() { Name = "Keys of Inner one" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "an inner organization's temporary keys, none yet");

        await page.GetByLabel("Name").FillAsync("support session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mint the key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Copy the temporary key");
        var secret = await page.GetByLabel("The temporary API key").InputValueAsync();
        await AssertNoAxeViolationsAsync(page, "the temporary key shown once");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "an inner organization's temporary keys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke support session" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Key revoked.");
        using var withKey = _app.ClientWithKey(secret);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await withKey.GetAsync("/v1/api/user/organizations")).StatusCode);
    }

    [Fact]
    public async Task OAuthClientPages_EmptyErrorSecretFullAndDelete_HaveNoViolations()
    {
        var (_, olga) = await _app.SignedInUserAsync("olga");
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(olga, "Acme");
        var page = await host.NewPageAsync();
        await page.GotoAsync($"/organizations/{org}");
        await SignInAsync(page, "olga");
        await page.GetByRole(AriaRole.Link, new() { Name = "OAuth clients" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByText("No OAuth clients are registered here yet.")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(page, "the empty OAuth client list");

        await page.GetByRole(AriaRole.Link, new() { Name = "Register an OAuth client" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "the OAuth client registration form");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Robot");
        await page.GetByLabel("Redirect URIs").FillAsync("http://app.example/callback");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register the client" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("redirectUris");
        await AssertNoAxeViolationsAsync(page, "the registration form with a redirect URI error");

        await page.GetByLabel("Redirect URIs").FillAsync("https://app.example/callback");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register the client" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Copy your client's credentials");
        Assert.NotEmpty(await page.GetByLabel("Client secret").InputValueAsync());
        await AssertNoAxeViolationsAsync(page, "a new OAuth client's secret shown once");

        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Robot", Exact = true })).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(page, "the OAuth client list");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Robot" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "the OAuth client edit form");
        await page.GetByRole(AriaRole.Link, new() { Name = "Rotate the secret" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "the rotate confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Copy the new client secret");
        await AssertNoAxeViolationsAsync(page, "a rotated secret shown once");

        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete Robot" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await AssertNoAxeViolationsAsync(page, "the OAuth client delete confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Robot" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("OAuth client deleted.");
        await AssertNoAxeViolationsAsync(page, "the OAuth client list after a deletion");
    }

    /// <summary>Issue 19: the API reference works offline, so everything it loads comes from OrgKeys itself.</summary>
    [Fact]
    public async Task Docs_LoadNothingFromElsewhere()
    {
        var page = await host.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        var response = await page.GotoAsync("/v1/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.Equal(200, response!.Status);
        Assert.True(requests.Count > 1, $"the docs made only {requests.Count} request(s)");
        Assert.All(requests, url => Assert.True(
            url.StartsWith(host.BaseUrl + "/", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal),
            $"{url} is not on {host.BaseUrl}"));
    }
}
