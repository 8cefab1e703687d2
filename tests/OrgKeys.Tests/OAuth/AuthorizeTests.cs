using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>Code with PKCE and implicit, for a user signed in with the jwt cookie who has consented.</summary>
public sealed class AuthorizeTests : IAsyncLifetime
{
    private const string Verifier = "a-long-enough-code-verifier-0123456789-abcdefghijklmnop";
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
    public async Task WithoutConsent_NothingIsIssued()
    {
        var (_, clientId, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "authorization_code");
        var response = await AuthorizeAsync(CodeRequest(clientId));
        Assert.Contains("error=consent_required", response.Headers.Location!.Query);
    }
}
