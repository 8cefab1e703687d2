using System.Net;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;
using static OrgKeys.Tests.Console.ConsolePages;

namespace OrgKeys.Tests.Console;

/// <summary>Sign-in, the account page and sign-out, in Chromium against the service on a real port.</summary>
[Collection(BrowserTests.Name)]
public sealed class SignInPageTests(BrowserHost host) : IClassFixture<BrowserHost>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = host.App;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.CreateUserAsync("alice");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task WrongPassword_SaysSo_FocusesTheErrorSummary_AndSetsNoCookie()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsync(page, "alice", "not the password at all");

        var summary = page.Locator("#error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("Invalid username, e-mail or password.");
        Assert.Equal("error-summary", await page.EvaluateAsync<string>("document.activeElement.id"));
        Assert.Equal("#username", await summary.GetByRole(AriaRole.Link).GetAttributeAsync("href"));
        Assert.Equal("true", await page.Locator("#username").GetAttributeAsync("aria-invalid"));
        Assert.Null(await JwtCookieAsync(page));
    }

    [Fact]
    public async Task SignIn_ShowsTheAccount_TheCookieWorksOnTheApi_UntilSignOut()
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        var organization = await OrgKeysApp.CreateOrganizationAsync(bob, "Acme Robotics");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(bob, organization.Id, "alice", "member")).StatusCode);

        var page = await host.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Equal($"{host.BaseUrl}/signin", page.Url);
        await SignInAsync(page, "alice@example.com");

        Assert.Equal($"{host.BaseUrl}/", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My account");
        await Assertions.Expect(page.Locator("dl.profile")).ToContainTextAsync("alice@example.com");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "Acme Robotics Member" })).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "jwt");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.True(cookie.Expires > DateTimeOffset.UtcNow.AddDays(29).ToUnixTimeSeconds());

        var user = await page.Context.APIRequest.GetAsync("/v1/api/user");
        Assert.Equal(200, user.Status);
        Assert.Equal("alice", (await user.JsonAsync())?.GetProperty("username").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        Assert.Equal($"{host.BaseUrl}/signin", page.Url);
        Assert.Null(await JwtCookieAsync(page));
        using var replay = _app.ClientWithJwtCookie(cookie.Value);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/v1/api/user")).StatusCode);
    }

    [Fact]
    public async Task Keyboard_TabReachesUsernamePasswordAndSubmit_AndEnterSignsIn()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/signin");
        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.textContent.trim()"));
        }

        Assert.Equal(["Skip to main content", "OrgKeys", "username", "password", "Sign in"], order);
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.TypeAsync("alice");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(OrgKeysApp.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My account");
    }

    [Fact]
    public async Task ReturnUrl_OnlyALocalPathIsFollowed()
    {
        string[] foreign = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example/", "javascript:alert(1)"];
        foreach (var returnUrl in foreign.Append("/?from=authorize"))
        {
            var page = await host.NewPageAsync();
            await page.GotoAsync($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
            await SignInAsync(page, "alice");
            await page.WaitForLoadStateAsync();
            var expected = returnUrl.StartsWith("/?", StringComparison.Ordinal) ? returnUrl : "/";
            Assert.Equal($"{host.BaseUrl}{expected}", page.Url);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task CrossSitePost_WithoutTheAntiforgeryToken_Is400_AndChangesNothing()
    {
        var token = await _app.LoginAsync("alice");
        using var withCookie = _app.ClientWithJwtCookie(token);
        var signOut = await withCookie.PostAsync("/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal("text/html", signOut.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", await signOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await withCookie.GetAsync("/v1/api/user")).StatusCode);

        using var anonymous = _app.CreateClient();
        var signIn = await anonymous.PostAsync("/signin", new FormUrlEncodedContent([new("username", "alice"), new("password", OrgKeysApp.Password)]));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.False(signIn.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("jwt=", StringComparison.Ordinal)));
    }
}
