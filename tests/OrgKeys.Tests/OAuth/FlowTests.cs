using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>Discovery, client credentials, password and refresh grants, and what each token may do as Bearer.</summary>
public sealed class FlowTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = OAuthTestHost.Create();
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync() => (_, _admin, _, _org) = await OAuthTestHost.AdminAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Discovery_ListsSeedFlowsAndScopes()
    {
        using var client = _app.CreateClient();
        var discovery = await (await client.GetAsync("/.well-known/openid-configuration")).ReadJsonAsync();
        var grants = discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        foreach (var grant in new[] { "authorization_code", "implicit", "password", "client_credentials", "refresh_token" })
        {
            Assert.Contains(grant, grants);
        }

        var scopes = discovery.GetProperty("scopes_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        foreach (var scope in new[] { "openid", "email", "profile", "offline_access", "organizations:read" })
        {
            Assert.Contains(scope, scopes);
        }

        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(g => g.GetString()));
        Assert.EndsWith("/v1/oauth/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/oauth/jwks")).StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_ActsAsItsOrganizationOnly()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "client_credentials");
        var (_, other, _, otherOrg) = await OAuthTestHost.AdminAsync(_app, "bob");
        using var bearer = OAuthTestHost.Bearer(_app, await OAuthTestHost.ClientCredentialsTokenAsync(_app, clientId, secret!));

        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bearer.GetAsync($"/v1/api/organizations/{otherOrg}")).StatusCode);
        // Without the apikeys:write scope the admin rights of the organization do not apply.
        var mint = await bearer.PostAsync($"/v1/api/organizations/{_org}/apikeys", JsonContent.Create(new { name = "k", role = "admin" }));
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Contains("insufficient_scope", mint.Headers.WwwAuthenticate.ToString());
        other.Dispose();
    }

    [Fact]
    public async Task AuthCheck_NamesTheClientOrUser_AndTheScopes()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "client_credentials");
        using var client = OAuthTestHost.Bearer(_app, await OAuthTestHost.ClientCredentialsTokenAsync(_app, clientId, secret!));
        var check = await client.GetAsync($"/v1/auth/check?organization={_org}&role=admin");
        Assert.Equal(HttpStatusCode.NoContent, check.StatusCode);
        Assert.Equal("oauth-client:" + clientId, check.Headers.GetValues("X-OrgKeys-Subject").Single());
        Assert.Equal("organizations:read", check.Headers.GetValues("X-OrgKeys-Scopes").Single());
        Assert.Equal(_org.ToString(System.Globalization.CultureInfo.InvariantCulture), check.Headers.GetValues("X-OrgKeys-Organization").Single());

        var (_, passwordClient, passwordSecret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "password");
        var userToken = (await OAuthTestHost.PasswordTokensAsync(_app, passwordClient, passwordSecret!, "alice", "organizations:read user:read"))
            .GetProperty("access_token").GetString()!;
        using var user = OAuthTestHost.Bearer(_app, userToken);
        var userCheck = await user.GetAsync("/v1/auth/check");
        Assert.Equal(HttpStatusCode.NoContent, userCheck.StatusCode);
        Assert.StartsWith("user:", userCheck.Headers.GetValues("X-OrgKeys-Subject").Single());
        Assert.Equal("organizations:read user:read", userCheck.Headers.GetValues("X-OrgKeys-Scopes").Single());

        using var forged = OAuthTestHost.Bearer(_app, userToken[..^4] + "AAAA");
        var refused = await forged.GetAsync("/v1/auth/check");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Invalid or expired access token.", (await refused.ReadJsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_ScopeBeyondClient_AndUnregisteredGrant_AreRefused()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "client_credentials");
        var wrong = await OAuthTestHost.TokenAsync(_app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret + "x"));
        Assert.Equal("invalid_client", (await wrong.ReadJsonAsync()).GetProperty("error").GetString());

        var beyond = await OAuthTestHost.TokenAsync(_app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret!), ("scope", "members:write"));
        var refused = await beyond.ReadJsonAsync();
        // OpenIddict answers a scope the client is not permitted with invalid_request.
        Assert.Equal("invalid_request", refused.GetProperty("error").GetString());
        Assert.False(refused.TryGetProperty("access_token", out _));

        var password = await OAuthTestHost.TokenAsync(_app, ("grant_type", "password"), ("client_id", clientId), ("client_secret", secret!),
            ("username", "alice"), ("password", OrgKeysApp.Password));
        Assert.Equal("unauthorized_client", (await password.ReadJsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Password_UnknownUserAndWrongPassword_GetTheSameAnswer()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "password");
        var unknown = await OAuthTestHost.TokenAsync(_app, ("grant_type", "password"), ("client_id", clientId), ("client_secret", secret!),
            ("username", "nobody"), ("password", OrgKeysApp.Password));
        var wrong = await OAuthTestHost.TokenAsync(_app, ("grant_type", "password"), ("client_id", clientId), ("client_secret", secret!),
            ("username", "alice"), ("password", "not the password at all"));
        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        Assert.Equal((await unknown.ReadJsonAsync()).ToString(), (await wrong.ReadJsonAsync()).ToString());
    }

    [Fact]
    public async Task Password_UserToken_NeverBeyondTheUsersRole()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "password");
        await _app.CreateUserAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "carol", "member")).StatusCode);
        var token = (await OAuthTestHost.PasswordTokensAsync(_app, clientId, secret!, "carol", "organizations:read apikeys:read")).GetProperty("access_token").GetString()!;
        using var bearer = OAuthTestHost.Bearer(_app, token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bearer.GetAsync($"/v1/api/organizations/{_org}/oauth-clients")).StatusCode);
    }

    [Fact]
    public async Task Refresh_Rotates_AndReplayRevokesWhatWasIssuedFromIt()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "password", "refresh_token");
        var first = await OAuthTestHost.PasswordTokensAsync(_app, clientId, secret!, "alice");
        var refresh = first.GetProperty("refresh_token").GetString()!;
        var second = await OAuthTestHost.TokenOkAsync(_app, ("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret!), ("refresh_token", refresh));
        Assert.NotEqual(refresh, second.GetProperty("refresh_token").GetString());
        using var bearer = OAuthTestHost.Bearer(_app, second.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);

        var replay = await OAuthTestHost.TokenAsync(_app, ("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret!), ("refresh_token", refresh));
        Assert.Equal("invalid_grant", (await replay.ReadJsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/api/user")).StatusCode);
        var next = await OAuthTestHost.TokenAsync(_app, ("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret!),
            ("refresh_token", second.GetProperty("refresh_token").GetString()!));
        Assert.Equal("invalid_grant", (await next.ReadJsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task IdTokenRefreshTokenAndForgedTokens_AreNotAccessTokens()
    {
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "password", "refresh_token");
        var tokens = await OAuthTestHost.PasswordTokensAsync(_app, clientId, secret!, "alice");
        var access = tokens.GetProperty("access_token").GetString()!;
        var parts = access.Split('.');
        string[] presented =
        [
            tokens.GetProperty("id_token").GetString()!,
            tokens.GetProperty("refresh_token").GetString()!,
            // alg none, and the access token with its header swapped: neither verifies.
            Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { alg = "none", typ = "at+jwt" })).TrimEnd('=') + "." + parts[1] + ".",
            string.Join('.', parts[..^1]) + "." + new string('A', parts[^1].Length),
        ];
        foreach (var token in presented)
        {
            using var bearer = OAuthTestHost.Bearer(_app, token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/api/user")).StatusCode);
        }
    }
}
