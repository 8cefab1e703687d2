using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.OAuth;

namespace OrgKeys.Tests.Console;

/// <summary>The OAuth client pages' server-side rules, without a browser: secrets once, the real token endpoint, roles, tenants, antiforgery.</summary>
public sealed class OAuthClientPagesRulesTests(OAuthSharedApp shared) : IClassFixture<OAuthSharedApp>, IAsyncLifetime
{
    private const string Callback = "https://app.example/callback";
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _aliceApi = null!;
    private HttpClient _bobApi = null!;
    private int _org;
    private int _otherOrg;
    private FormClient _alice = null!;

    private string Root => $"/organizations/{_org}/oauth-clients";

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        int aliceId;
        (aliceId, _aliceApi) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_aliceApi, "Acme");
        (_, _bobApi) = await _app.SignedInUserAsync("bob");
        (_otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(_bobApi, "Globex");
        _alice = await FormClient.SignedInAsync(_app, aliceId);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        _aliceApi.Dispose();
        _bobApi.Dispose();
        return Task.CompletedTask;
    }

    private Task<int> ClientCountAsync() => _app.WithDbAsync(db => db.OAuthApplications.CountAsync());

    private Task<HttpResponseMessage> RegisterAsync(params (string, string)[] fields) => _alice.PostAsync($"{Root}/new", $"{Root}/new", fields);

    private static string Value(string html, string id) => WebUtility.HtmlDecode(Regex.Match(html, $"id=\"{id}\"[^>]* value=\"([^\"]+)\"").Groups[1].Value);

    private async Task<(int Id, string ClientId, string Secret)> RegisterRobotAsync()
    {
        var response = await RegisterAsync(("name", "Robot"), ("redirectUris", Callback), ("scopes", "organizations:read"),
            ("grantTypes", "client_credentials"), ("type", "confidential"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var clientId = Value(html, "client-id");
        var id = await _app.WithDbAsync(db => db.OAuthApplications.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync());
        return (id, clientId, Value(html, "client-secret"));
    }

    private async Task<bool> GetsATokenAsync(string clientId, string secret) =>
        (await OAuthTestHost.TokenAsync(_app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret),
            ("scope", "organizations:read"))).IsSuccessStatusCode;

    [Fact]
    public async Task Register_ShowsTheSecretOnceWithNoStore_TheListShowsTheClient_AndTheSecretGetsAToken()
    {
        Assert.Contains("No OAuth clients are registered here yet.", await _alice.GetHtmlAsync(Root), StringComparison.Ordinal);
        var response = await RegisterAsync(("name", "Robot"), ("description", "Nightly sync"), ("homepageUrl", "https://app.example/"),
            ("redirectUris", $"{Callback}\r\n\r\nhttp://127.0.0.1:8080/cb\r\n"), ("scopes", "organizations:read"), ("scopes", "openid"),
            ("grantTypes", "client_credentials"), ("grantTypes", "authorization_code"), ("type", "confidential"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.Content.ReadAsStringAsync();
        var (clientId, secret) = (Value(html, "client-id"), Value(html, "client-secret"));
        Assert.StartsWith("oc_", clientId);
        Assert.True(secret.Length >= 40, secret);
        Assert.True(await GetsATokenAsync(clientId, secret));

        var stored = await _app.WithDbAsync(db => db.OAuthApplications.SingleAsync());
        Assert.Equal(_org, stored.OrganizationId);
        Assert.Equal("Nightly sync", stored.Description);
        Assert.Contains("http://127.0.0.1:8080/cb", stored.RedirectUris, StringComparison.Ordinal);
        Assert.True(await _app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "oauth-client.create" && e.OrganizationId == _org)));

        var list = await _alice.GetHtmlAsync(Root);
        Assert.Contains("Robot", list, StringComparison.Ordinal);
        Assert.Contains(clientId, list, StringComparison.Ordinal);
        Assert.Contains("organizations:read", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await _alice.GetHtmlAsync($"{Root}/{stored.Id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicClient_GetsNoSecret_AndHasNoneToRotate()
    {
        var response = await RegisterAsync(("name", "SPA"), ("redirectUris", Callback), ("scopes", "openid"),
            ("grantTypes", "authorization_code"), ("type", "public"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("client-secret", html, StringComparison.Ordinal);
        Assert.Contains("A public client has no secret", html, StringComparison.Ordinal);
        var id = await _app.WithDbAsync(db => db.OAuthApplications.Select(a => a.Id).SingleAsync());

        var rotate = await _alice.PostAsync($"{Root}/{id}/rotate-secret", $"{Root}/new");
        Assert.Equal(HttpStatusCode.BadRequest, rotate.StatusCode);
        Assert.Contains("A public client has no secret to rotate.", await rotate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await _app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "oauth-client.rotate-secret")));
    }

    [Fact]
    public async Task BadInput_ShowsTheRulesMessageWith400_OnTheField_AndStoresNothing()
    {
        var badUri = await RegisterAsync(("name", "Robot"), ("redirectUris", "http://app.example/callback"), ("grantTypes", "authorization_code"), ("type", "confidential"));
        Assert.Equal(HttpStatusCode.BadRequest, badUri.StatusCode);
        var html = await badUri.Content.ReadAsStringAsync();
        Assert.Contains("Each of 'redirectUris' must be an absolute https URL (http only on a loopback address), without a fragment.",
            WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Matches("id=\"redirect-uris\"[^>]*aria-invalid=\"true\"", html);
        Assert.Contains("<a href=\"#redirect-uris\">", html, StringComparison.Ordinal);

        // No box ticked is no grant type: the default must not come back in its place.
        var noGrant = await RegisterAsync(("name", "Robot"), ("redirectUris", Callback), ("type", "confidential"));
        Assert.Equal(HttpStatusCode.BadRequest, noGrant.StatusCode);
        Assert.Contains("'allowedGrantTypes' must list some of", WebUtility.HtmlDecode(await noGrant.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var publicRobot = await RegisterAsync(("name", "Robot"), ("grantTypes", "client_credentials"), ("type", "public"));
        Assert.Equal(HttpStatusCode.BadRequest, publicRobot.StatusCode);
        var noName = await RegisterAsync(("name", " "), ("redirectUris", Callback), ("grantTypes", "authorization_code"), ("type", "confidential"));
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Matches("id=\"name\"[^>]*aria-invalid=\"true\"", await noName.Content.ReadAsStringAsync());
        var badScope = await RegisterAsync(("name", "Robot"), ("scopes", "everything"), ("grantTypes", "client_credentials"), ("type", "confidential"));
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        Assert.Equal(0, await ClientCountAsync());
    }

    [Fact]
    public async Task Edit_ChangesRedirectUrisAndScopes_AndABadUriChangesNothing()
    {
        var (id, clientId, secret) = await RegisterRobotAsync();
        var form = await _alice.GetHtmlAsync($"{Root}/{id}");
        Assert.Contains(Callback, form, StringComparison.Ordinal);
        Assert.Matches("value=\"organizations:read\" checked", form);

        var bad = await _alice.PostAsync($"{Root}/{id}", $"{Root}/new", ("name", "Robot"), ("redirectUris", "https://app.example/cb#fragment"),
            ("scopes", "user:read"), ("grantTypes", "client_credentials"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("without a fragment", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var saved = await _alice.PostAsync($"{Root}/{id}", $"{Root}/new", ("name", "Robot two"), ("redirectUris", "https://app.example/new\nhttps://app.example/other"),
            ("scopes", "user:read"), ("scopes", "organizations:read"), ("grantTypes", "client_credentials"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"{Root}?done=updated", saved.Headers.Location?.OriginalString);

        var client = await _aliceApi.GetAsync($"/v1/api/organizations/{_org}/oauth-clients/{id}");
        var body = (await client.ReadJsonAsync()).GetProperty("oauthClient");
        Assert.Equal("Robot two", body.GetProperty("name").GetString());
        Assert.Equal(["https://app.example/new", "https://app.example/other"], body.GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()).Order());
        Assert.Equal(["organizations:read", "user:read"], body.GetProperty("scopes").EnumerateArray().Select(u => u.GetString()).Order());
        Assert.True(await GetsATokenAsync(clientId, secret));
        Assert.Contains("OAuth client saved.", await _alice.GetHtmlAsync($"{Root}?done=updated"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_AfterConfirmation_ShowsANewSecretOnce_AndTheOldOneNoLongerGetsAToken()
    {
        var (id, clientId, oldSecret) = await RegisterRobotAsync();
        var confirm = await _alice.GetHtmlAsync($"{Root}/{id}/rotate-secret");
        Assert.Contains("Rotate the secret of Robot?", confirm, StringComparison.Ordinal);
        Assert.True(await GetsATokenAsync(clientId, oldSecret));

        var rotated = await _alice.PostAsync($"{Root}/{id}/rotate-secret", $"{Root}/new");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.True(rotated.Headers.CacheControl?.NoStore);
        var newSecret = Value(await rotated.Content.ReadAsStringAsync(), "client-secret");
        Assert.NotEqual(oldSecret, newSecret);
        Assert.False(await GetsATokenAsync(clientId, oldSecret));
        Assert.True(await GetsATokenAsync(clientId, newSecret));
        Assert.DoesNotContain(newSecret, await _alice.GetHtmlAsync($"{Root}/{id}/rotate-secret"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_AfterConfirmation_RemovesTheClient_AndItGetsNoMoreTokens()
    {
        var (id, clientId, secret) = await RegisterRobotAsync();
        var token = await OAuthTestHost.ClientCredentialsTokenAsync(_app, clientId, secret);
        using var bearer = OAuthTestHost.Bearer(_app, token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Contains("Delete Robot?", await _alice.GetHtmlAsync($"{Root}/{id}/delete"), StringComparison.Ordinal);
        Assert.Equal(1, await ClientCountAsync());

        var deleted = await _alice.PostAsync($"{Root}/{id}/delete", $"{Root}/new");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal($"{Root}?done=deleted", deleted.Headers.Location?.OriginalString);
        Assert.Equal(0, await ClientCountAsync());
        Assert.False(await GetsATokenAsync(clientId, secret));
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"{Root}/{id}")).StatusCode);
        Assert.Contains("OAuth client deleted.", await _alice.GetHtmlAsync($"{Root}?done=deleted"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_GetsNoAdminAccess_AndSeesNoTab()
    {
        var (id, clientId, secret) = await RegisterRobotAsync();
        var carolId = await _app.CreateUserAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_aliceApi, _org, "carol", "member")).StatusCode);
        using var carol = await FormClient.SignedInAsync(_app, carolId);

        Assert.DoesNotContain("/oauth-clients", await carol.GetHtmlAsync($"/organizations/{_org}"), StringComparison.Ordinal);
        Assert.Contains($"{Root}\"", await _alice.GetHtmlAsync($"/organizations/{_org}"), StringComparison.Ordinal);
        foreach (var path in new[] { "", "/new", $"/{id}", $"/{id}/rotate-secret", $"/{id}/delete" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync(Root + path)).StatusCode);
        }

        var tokenPage = $"/organizations/{_org}/keys/new";
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"{Root}/new", tokenPage, ("name", "Mine"), ("grantTypes", "client_credentials"), ("type", "confidential"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"{Root}/{id}", tokenPage, ("name", "Taken"), ("grantTypes", "client_credentials"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"{Root}/{id}/rotate-secret", tokenPage)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"{Root}/{id}/delete", tokenPage)).StatusCode);
        Assert.Equal(1, await ClientCountAsync());
        Assert.Equal("Robot", await _app.WithDbAsync(db => db.OAuthApplications.Select(a => a.DisplayName).SingleAsync()));
        Assert.True(await GetsATokenAsync(clientId, secret));
    }

    [Fact]
    public async Task AnotherTenantsUrls_Are404_AndItsClientCannotBeReachedFromMine()
    {
        var (id, clientId, secret) = await RegisterRobotAsync();
        var other = $"/organizations/{_otherOrg}/oauth-clients";
        foreach (var path in new[] { other, $"{other}/new", $"{other}/{id}", $"{other}/{id}/rotate-secret", $"{other}/{id}/delete", $"{Root}/999999" })
        {
            var response = await _alice.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PostAsync($"{other}/{id}/delete", $"{Root}/new")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PostAsync($"{other}/{id}/rotate-secret", $"{Root}/new")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PostAsync($"{other}/new", $"{Root}/new", ("name", "Sneaky"), ("grantTypes", "client_credentials"), ("type", "confidential"))).StatusCode);

        // Bob's client, asked for under Alice's own organization.
        var (bobsClient, _, _) = await OAuthTestHost.RegisterConfidentialAsync(_bobApi, _otherOrg, "client_credentials");
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"{Root}/{bobsClient}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PostAsync($"{Root}/{bobsClient}/delete", $"{Root}/new")).StatusCode);
        Assert.Equal(2, await ClientCountAsync());
        Assert.True(await GetsATokenAsync(clientId, secret));

        using var anonymous = _app.CreateClient(new() { AllowAutoRedirect = false });
        var signIn = await anonymous.GetAsync(Root);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/signin?returnUrl=", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostsWithoutTheAntiforgeryToken_Are400_AndChangeNothing()
    {
        var (id, clientId, secret) = await RegisterRobotAsync();
        var create = await _alice.PostWithoutTokenAsync($"{Root}/new", ("name", "Forged"), ("grantTypes", "client_credentials"), ("type", "confidential"));
        var edit = await _alice.PostWithoutTokenAsync($"{Root}/{id}", ("name", "Forged"), ("grantTypes", "client_credentials"));
        var rotate = await _alice.PostWithoutTokenAsync($"{Root}/{id}/rotate-secret");
        var delete = await _alice.PostWithoutTokenAsync($"{Root}/{id}/delete");

        Assert.All([create, edit, rotate, delete], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("Robot", await _app.WithDbAsync(db => db.OAuthApplications.Select(a => a.DisplayName).SingleAsync()));
        Assert.True(await GetsATokenAsync(clientId, secret));
    }
}
