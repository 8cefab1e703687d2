using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;
using static OrgKeys.Tests.Console.ConsolePages;

namespace OrgKeys.Tests.Console;

/// <summary>The authorization code flow in Chromium: sign-in, consent, the code, the token, the API; Deny; withdrawing.</summary>
[Collection(BrowserTests.Name)]
public sealed class ConsentPageTests(OAuthBrowserHost host) : IClassFixture<OAuthBrowserHost>, IAsyncLifetime
{
    private static readonly string[] s_openId = ["openid"];
    private static readonly string[] s_implicit = ["implicit"];
    private readonly OrgKeysApp _app = host.App;
    private BrowserClient _client = null!;
    private int _otherOrganization;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_client, _otherOrganization) = await BrowserClient.RegisterAsync(_app);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CodeFlow_ThroughSignInAndConsent_GivesATokenForTheClientsOrganizationOnly()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync(_client.AuthorizeUrl());
        Assert.StartsWith($"{host.BaseUrl}/signin?ReturnUrl=%2Fv1%2Foauth%2Fauthorize%3F", page.Url);
        await SignInAsync(page, "alice");

        Assert.StartsWith($"{host.BaseUrl}/oauth/consent?", page.Url);
        await Assertions.Expect(page.Locator("dl.profile")).ToContainTextAsync("Acme Robotics");
        await Assertions.Expect(page.Locator("dl.profile")).ToContainTextAsync(new Uri(_client.RedirectUri).Authority);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "https://dashboard.example/" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(
            ["Know who you are (your user id).", "See your name and username.", "See your organizations and their details."]);

        var callback = await _client.CallbackAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync());
        Assert.Equal("state-1", callback["state"].ToString());
        var token = await _client.RedeemAsync(_app, callback["code"].ToString());
        Assert.Equal(HttpStatusCode.OK, (await BrowserClient.OrganizationAsync(_app, token, _client.OrganizationId)).StatusCode);
        Assert.Contains((await BrowserClient.OrganizationAsync(_app, token, _otherOrganization)).StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });

        // Remembered: the next request for the same scopes skips the page.
        page = await page.Context.NewPageAsync();
        var again = await _client.CallbackAsync(page, () => page.GotoAsync(_client.AuthorizeUrl()));
        Assert.False(string.IsNullOrEmpty(again["code"]));
        Assert.Equal(1, await _app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.OAuthAuthorizations)));
    }

    [Fact]
    public async Task ImplicitFlow_ThroughSignInAndConsent_GivesAnIdTokenSignedByTheJwks_ForAliceAndThisClient()
    {
        using var alice = _app.ClientWithJwt(await _app.LoginAsync("alice"));
        var redirectUri = _client.RedirectUri.Replace("/callback", "/implicit", StringComparison.Ordinal);
        var (_, clientId, _) = await OAuth.OAuthTestHost.RegisterAsync(alice, _client.OrganizationId, new
        {
            name = "Robot Viewer",
            redirectUris = new[] { redirectUri },
            scopes = s_openId,
            allowedGrantTypes = s_implicit,
        });

        // The browser's last stop is the client's page; the ID token is in its fragment, which only the page sees.
        var page = await host.NewPageAsync();
        await page.RouteAsync(redirectUri + "**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<title>client</title>" }));
        await page.GotoAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/v1/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "id_token",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid",
            ["state"] = "state-i",
            ["nonce"] = "nonce-i",
        }));
        await SignInAsync(page, "alice");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Allow Robot Viewer to use your account?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(redirectUri + "#", StringComparison.Ordinal));

        var fragment = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(page.Url).Fragment.TrimStart('#'));
        Assert.Equal("state-i", fragment["state"].ToString());
        Assert.False(fragment.ContainsKey("access_token"));
        using var http = _app.CreateClient();
        var jwks = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await http.GetStringAsync("/v1/oauth/jwks"));
        var discovery = await (await http.GetAsync("/.well-known/openid-configuration")).ReadJsonAsync();
        var validated = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(fragment["id_token"].ToString(), new()
        {
            ValidIssuer = discovery.GetProperty("issuer").GetString(),
            ValidAudience = clientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal("nonce-i", validated.Claims["nonce"]);
        var aliceId = await _app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            System.Linq.Queryable.Select(System.Linq.Queryable.Where(db.Users, u => u.Username == "alice"), u => u.Id)));
        Assert.Equal(aliceId.ToString(System.Globalization.CultureInfo.InvariantCulture), validated.Claims["sub"]);
    }

    [Fact]
    public async Task Deny_AnswersAccessDenied_AndRemembersNothing()
    {
        var page = await _client.ToConsentPageAsync(host);
        var callback = await _client.CallbackAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync());
        Assert.Equal("access_denied", callback["error"].ToString());
        Assert.Equal("state-1", callback["state"].ToString());
        Assert.False(callback.ContainsKey("code"));
        Assert.Equal(0, await _app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.OAuthAuthorizations)));
    }

    [Fact]
    public async Task Withdraw_OnConnectedApplications_StopsTheTokenAtOnce()
    {
        var page = await _client.ToConsentPageAsync(host);
        var callback = await _client.CallbackAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync());
        var token = await _client.RedeemAsync(_app, callback["code"].ToString());
        Assert.Equal(HttpStatusCode.OK, (await BrowserClient.OrganizationAsync(_app, token, _client.OrganizationId)).StatusCode);

        page = await page.Context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Connected applications" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Robot Dashboard" });
        await Assertions.Expect(row).ToContainTextAsync("Acme Robotics");
        await Assertions.Expect(row).ToContainTextAsync("openid, profile, organizations:read");
        await row.GetByRole(AriaRole.Button, new() { Name = "Withdraw access of Robot Dashboard (Acme Robotics)" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Access withdrawn.");
        await Assertions.Expect(page.GetByText("You have not allowed any application.")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await BrowserClient.OrganizationAsync(_app, token, _client.OrganizationId)).StatusCode);

        // Withdrawn means asked again.
        await page.GotoAsync(_client.AuthorizeUrl());
        Assert.StartsWith($"{host.BaseUrl}/oauth/consent?", page.Url);
    }

    [Fact]
    public async Task Keyboard_TabAndEnterOnly_SignInAndAllow()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync(_client.AuthorizeUrl());
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("alice");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(OrgKeysApp.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Allow Robot Dashboard to use your account?");

        var order = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.textContent.trim()"));
        }

        Assert.Equal(["Skip to main content", "OrgKeys", "My account", "Sign out", "https://dashboard.example/", "Connected applications", "allow"], order);
        var callback = await _client.CallbackAsync(page, () => page.Keyboard.PressAsync("Enter"));
        Assert.False(string.IsNullOrEmpty(callback["code"]));
    }

    [Fact]
    public async Task PromptLogin_ShowsTheSignInFormToASignedInUser()
    {
        var page = await _client.ToConsentPageAsync(host);
        await page.GotoAsync(_client.AuthorizeUrl("login"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
        await SignInAsync(page, "alice");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Allow Robot Dashboard to use your account?");
    }

    [Fact]
    public async Task ConsentAndConnectedApplications_HaveNoAxeViolations()
    {
        var page = await _client.ToConsentPageAsync(host);
        await AssertNoAxeViolationsAsync(page, "the consent page");

        // A post that chose neither button (the form submitted without a submitter).
        await page.EvaluateAsync("document.querySelector('form.actions').submit()");
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("Choose Allow or Deny.");
        Assert.Equal("error-summary", await page.EvaluateAsync<string>("document.activeElement.id"));
        await AssertNoAxeViolationsAsync(page, "the consent page after a failed post");
        Assert.Equal(0, await _app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.OAuthAuthorizations)));

        var connected = await host.NewPageAsync();
        await connected.GotoAsync("/connected-applications");
        await SignInAsync(connected, "alice");
        await Assertions.Expect(connected.GetByText("You have not allowed any application.")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(connected, "connected applications, empty");

        await _client.CallbackAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync());
        await connected.ReloadAsync();
        await Assertions.Expect(connected.GetByRole(AriaRole.Row).Filter(new() { HasText = "Robot Dashboard" })).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(connected, "connected applications, one consent");
    }

    [Fact]
    public async Task Withdraw_AnotherUsersConsent_Is404_AndLeavesItValid()
    {
        var bobsConsent = await ConsentAsBobAsync();
        var page = await _client.ToConsentPageAsync(host);
        await _client.CallbackAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync());
        page = await page.Context.NewPageAsync();
        await page.GotoAsync("/connected-applications");
        await Assertions.Expect(page.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await page.Locator("input[name=id]").EvaluateAsync("(input, id) => input.value = id", bobsConsent);

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Withdraw access of Robot Dashboard (Acme Robotics)" }).ClickAsync(),
            r => r.Url.EndsWith("/connected-applications", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(404, response.Status);
        Assert.Equal(2, await _app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.OAuthAuthorizations, a => a.Status == OpenIddict.Abstractions.OpenIddictConstants.Statuses.Valid)));
    }

    private async Task<string> ConsentAsBobAsync()
    {
        var bob = await _app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Users, u => u.Username == "bob"));
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        var authorizations = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictAuthorizationManager>();
        var application = await applications.FindByClientIdAsync(_client.ClientId);
        var consent = await authorizations.CreateAsync(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity()),
            bob.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await applications.GetIdAsync(application!))!,
            OpenIddict.Abstractions.OpenIddictConstants.AuthorizationTypes.Permanent, ["openid"]);
        return (await authorizations.GetIdAsync(consent))!;
    }
}
