using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>Code with PKCE and implicit, for a user signed in with the jwt cookie who has consented.</summary>
public sealed class AuthorizeTests : IAsyncLifetime
{
    private const string Verifier = "a-long-enough-code-verifier-0123456789-abcdefghijklmnop";
    private static readonly object s_bobsClient = new
    {
        name = "Bob's",
        redirectUris = new[] { "https://bob.example/callback" },
        scopes = new[] { "openid", "user:read" },
        allowedGrantTypes = new[] { "authorization_code" },
    };

    private readonly OrgKeysApp _app = OAuthTestHost.Create();
    private HttpClient _admin = null!;
    private string _jwt = null!;
    private int _org;
    private int _userId;

    public async Task InitializeAsync() => (_userId, _admin, _jwt, _org) = await OAuthTestHost.AdminAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Challenge(string verifier) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private async Task ConsentAsync(string clientId, params string[] scopes)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId);
        await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().CreateAsync(
            new ClaimsPrincipal(new ClaimsIdentity()), _userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (await applications.GetIdAsync(application!))!, OpenIddictConstants.AuthorizationTypes.Permanent, [.. scopes]);
    }

    private async Task<HttpResponseMessage> AuthorizeAsync(Dictionary<string, string?> query)
    {
        using var browser = OAuthTestHost.NoRedirects(_app);
        browser.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"jwt={_jwt}");
        return await browser.GetAsync(QueryHelpers.AddQueryString("/v1/oauth/authorize", query));
    }

    private static Dictionary<string, string?> CodeRequest(string clientId, string? method = "S256", string challenge = "") => new()
    {
        ["response_type"] = "code",
        ["client_id"] = clientId,
        ["redirect_uri"] = OAuthTestHost.RedirectUri,
        ["scope"] = "openid user:read",
        ["state"] = "xyz",
        ["code_challenge"] = challenge.Length > 0 ? challenge : Challenge(Verifier),
        ["code_challenge_method"] = method,
    };

    [Fact]
    public async Task Code_WithPkce_GivesAWorkingToken_AndAReplayedCodeRevokesIt()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        await ConsentAsync(clientId, "openid", "user:read");
        var response = await AuthorizeAsync(CodeRequest(clientId));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(OAuthTestHost.RedirectUri, location.ToString());
        var code = QueryHelpers.ParseQuery(location.Query)["code"].ToString();

        (string, string)[] exchange = [("grant_type", "authorization_code"), ("client_id", clientId), ("client_secret", secret!), ("code", code),
            ("redirect_uri", OAuthTestHost.RedirectUri), ("code_verifier", Verifier)];
        var wrongVerifier = await OAuthTestHost.TokenAsync(_app, [.. exchange[..^1], ("code_verifier", Verifier + "x")]);
        Assert.Equal("invalid_grant", (await wrongVerifier.ReadJsonAsync()).GetProperty("error").GetString());

        // The wrong verifier spent the code; a fresh one works.
        code = QueryHelpers.ParseQuery((await AuthorizeAsync(CodeRequest(clientId))).Headers.Location!.Query)["code"].ToString();
        exchange[3] = ("code", code);
        var tokens = await OAuthTestHost.TokenOkAsync(_app, exchange);
        using var bearer = OAuthTestHost.Bearer(_app, tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);

        var replay = await OAuthTestHost.TokenAsync(_app, exchange);
        Assert.Equal("invalid_grant", (await replay.ReadJsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/api/user")).StatusCode);
    }

    [Fact]
    public async Task ConsentsApi_ListsAConsent_AndWithdrawingItStopsItsTokenAtOnce_OnlyForItsOwner()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        await ConsentAsync(clientId, "openid", "user:read");
        var code = QueryHelpers.ParseQuery((await AuthorizeAsync(CodeRequest(clientId))).Headers.Location!.Query)["code"].ToString();
        var tokens = await OAuthTestHost.TokenOkAsync(_app, ("grant_type", "authorization_code"), ("client_id", clientId), ("client_secret", secret!),
            ("code", code), ("redirect_uri", OAuthTestHost.RedirectUri), ("code_verifier", Verifier));
        using var bearer = OAuthTestHost.Bearer(_app, tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);

        // No scope reaches the consents: a token cannot see or withdraw what it rests on.
        Assert.Equal(HttpStatusCode.Forbidden, (await bearer.GetAsync("/v1/api/user/oauth-consents")).StatusCode);
        var consents = (await (await _admin.GetAsync("/v1/api/user/oauth-consents")).ReadJsonAsync()).GetProperty("consents");
        var consent = Assert.Single(consents.EnumerateArray());
        Assert.Equal("Robot", consent.GetProperty("client").GetString());
        Assert.Equal("alice-org", consent.GetProperty("organization").GetString());
        Assert.Contains("user:read", consent.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var id = consent.GetProperty("id").GetInt32();

        // Another user, a made-up id or a malformed one: 404, and the consent and its token stay.
        var (_, bob, _, _) = await OAuthTestHost.AdminAsync(_app, "bob");
        Assert.Empty((await (await bob.GetAsync("/v1/api/user/oauth-consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray());
        var foreign = await bob.DeleteAsync($"/v1/api/user/oauth-consents/{id}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.False((await foreign.ReadJsonAsync()).GetProperty("success").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/v1/api/user/oauth-consents/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/v1/api/user/oauth-consents/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/v1/api/user/oauth-consents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/api/user")).StatusCode);
        Assert.Empty((await (await _admin.GetAsync("/v1/api/user/oauth-consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync($"/v1/api/user/oauth-consents/{id}")).StatusCode);
    }

    [Fact]
    public async Task PlainOrMissingPkce_AndWrongRedirectUri_GiveNoCode()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        await ConsentAsync(clientId, "openid", "user:read");
        var plain = await AuthorizeAsync(CodeRequest(clientId, "plain", Verifier));
        Assert.DoesNotContain("code=", plain.Headers.Location?.Query ?? "");
        var missing = CodeRequest(clientId);
        missing.Remove("code_challenge");
        missing.Remove("code_challenge_method");
        Assert.DoesNotContain("code=", (await AuthorizeAsync(missing)).Headers.Location?.Query ?? "");

        var wrongRedirect = CodeRequest(clientId);
        wrongRedirect["redirect_uri"] = OAuthTestHost.RedirectUri + "/other";
        var response = await AuthorizeAsync(wrongRedirect);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Implicit_OnlyForClientsRegisteredForIt()
    {
        var (_, implicitClient, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "implicit");
        var (_, codeClient, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        await ConsentAsync(implicitClient, "openid");
        await ConsentAsync(codeClient, "openid");
        Dictionary<string, string?> Request(string clientId) => new()
        {
            ["response_type"] = "id_token",
            ["client_id"] = clientId,
            ["redirect_uri"] = OAuthTestHost.RedirectUri,
            ["scope"] = "openid",
            ["nonce"] = "n-1",
        };

        var granted = await AuthorizeAsync(Request(implicitClient));
        Assert.Contains("id_token=", granted.Headers.Location!.Fragment);
        var refused = await AuthorizeAsync(Request(codeClient));
        Assert.DoesNotContain("id_token=", refused.Headers.Location?.ToString() ?? "");
    }

    [Fact]
    public async Task WithoutConsent_NothingIsIssued_PromptNoneSaysConsentRequired_ElseTheConsentPage()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        var silent = CodeRequest(clientId);
        silent["prompt"] = "none";
        var response = await AuthorizeAsync(silent);
        Assert.Contains("error=consent_required", response.Headers.Location!.Query);

        var page = (await AuthorizeAsync(CodeRequest(clientId))).Headers.Location!.ToString();
        Assert.StartsWith("/oauth/consent?response_type=code&client_id=", page);
        Assert.DoesNotContain("code=", page.Replace("code_challenge", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoSession_GoesToSignInWithALocalReturnUrl_PromptNoneSaysLoginRequired()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        using var browser = OAuthTestHost.NoRedirects(_app);
        var request = QueryHelpers.AddQueryString("/v1/oauth/authorize", CodeRequest(clientId));
        var signIn = (await browser.GetAsync(request)).Headers.Location!.ToString();
        Assert.Equal("/signin?ReturnUrl=" + Uri.EscapeDataString(request), signIn);

        var silent = CodeRequest(clientId);
        silent["prompt"] = "none";
        var refused = (await browser.GetAsync(QueryHelpers.AddQueryString("/v1/oauth/authorize", silent))).Headers.Location!;
        Assert.StartsWith(OAuthTestHost.RedirectUri, refused.ToString());
        Assert.Contains("error=login_required", refused.Query);
    }

    [Fact]
    public async Task PromptLogin_SendsASignedInUserToSignIn_AndBackWithoutIt()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        await ConsentAsync(clientId, "openid", "user:read");
        var request = CodeRequest(clientId);
        request["prompt"] = "login";
        var location = (await AuthorizeAsync(request)).Headers.Location!.ToString();
        var query = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..]);
        Assert.StartsWith("/signin?", location);
        Assert.Equal("login", query["prompt"].ToString());
        Assert.Equal(QueryHelpers.AddQueryString("/v1/oauth/authorize", CodeRequest(clientId)), query["ReturnUrl"].ToString());
    }

    [Fact]
    public async Task UnknownOrForeignClient_OrAnotherClientsRedirectUri_IsRefusedWithoutRedirecting()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        var (_, bob, _, bobOrg) = await OAuthTestHost.AdminAsync(_app, "bob");
        var (_, bobClient, _) = await OAuthTestHost.RegisterAsync(bob, bobOrg, s_bobsClient);
        var unknown = CodeRequest("oc_no_such_client");
        var crossed = CodeRequest(clientId);
        crossed["redirect_uri"] = "https://bob.example/callback";
        var crossedBack = CodeRequest(bobClient);
        foreach (var request in new[] { unknown, crossed, crossedBack })
        {
            var response = await AuthorizeAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);

            using var browser = OAuthTestHost.NoRedirects(_app);
            browser.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"jwt={_jwt}");
            var page = await browser.GetAsync(QueryHelpers.AddQueryString("/oauth/consent", request));
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Null(page.Headers.Location);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ConsentPost_WithoutAntiforgeryToken_Is400_AndStoresNothing()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        using var browser = OAuthTestHost.NoRedirects(_app);
        browser.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"jwt={_jwt}; orgkeys-antiforgery=forged");
        var authorize = QueryHelpers.AddQueryString("", CodeRequest(clientId));
        foreach (var token in new[] { null, "CfDJ8forged-token" })
        {
            var form = new List<KeyValuePair<string, string>> { new("authorize", authorize), new("decision", "allow") };
            if (token is not null)
            {
                form.Add(new("__RequestVerificationToken", token));
            }

            var response = await browser.PostAsync("/oauth/consent", new FormUrlEncodedContent(form));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }

        Assert.Equal(0, await _app.WithDbAsync(db => db.OAuthAuthorizations.CountAsync()));
    }

    /// <summary>The token endpoint authenticates the client; a jwt cookie the browser also sends must not make it 415.</summary>
    [Fact]
    public async Task TokenEndpoint_FormPostWithTheJwtCookie_IsNotRefusedByTheCookieGuard()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "client_credentials");
        using var browser = _app.ClientWithJwtCookie(_jwt);
        var response = await browser.PostAsync("/v1/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret!,
            ["scope"] = "organizations:read",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).TryGetProperty("access_token", out _));

        var wrong = await browser.PostAsync("/v1/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = "not the secret",
        }));
        Assert.Equal("invalid_client", (await wrong.ReadJsonAsync()).GetProperty("error").GetString());
    }

    /// <summary>The sign-in form may end at a client only through a registered redirect URI: never an origin from the URL alone.</summary>
    [Fact]
    public async Task SignInPage_AllowsTheFormToEndOnlyAtARegisteredRedirectUri()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        using var anonymous = _app.CreateClient();
        async Task<string> PolicyAsync(string redirectUri)
        {
            var request = CodeRequest(clientId);
            request["redirect_uri"] = redirectUri;
            var response = await anonymous.GetAsync("/signin?ReturnUrl=" + Uri.EscapeDataString(QueryHelpers.AddQueryString("/v1/oauth/authorize", request)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("Content-Security-Policy").Single();
        }

        Assert.Contains("form-action 'self' https://client.example;", await PolicyAsync(OAuthTestHost.RedirectUri));
        Assert.Contains("form-action 'self';", await PolicyAsync("https://evil.example/callback"));
    }
}
