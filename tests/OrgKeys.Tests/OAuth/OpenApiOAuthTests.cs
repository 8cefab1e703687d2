using System.Text.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary><c>/v1/openapi.json</c> declares the seed's OAuth2 scheme, and each operation a token may call names the scope it needs.</summary>
public sealed class OpenApiOAuthTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        using var client = _app.CreateClient();
        _document = await (await client.GetAsync(new Uri("/v1/openapi.json", UriKind.Relative))).ReadJsonAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void TheScheme_HasTheSeedsFourFlows_UrlsAndScopes()
    {
        var scheme = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("OAuth2");
        Assert.Equal("oauth2", scheme.GetProperty("type").GetString());
        var flows = scheme.GetProperty("flows");
        Assert.Equal(["authorizationCode", "clientCredentials", "implicit", "password"], flows.EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var flow in flows.EnumerateObject())
        {
            var hasAuthorize = flow.Name is "authorizationCode" or "implicit";
            var hasToken = flow.Name != "implicit";
            Assert.Equal(hasAuthorize ? "/v1/oauth/authorize" : null, flow.Value.TryGetProperty("authorizationUrl", out var a) ? a.GetString() : null);
            Assert.Equal(hasToken ? "/v1/oauth/token" : null, flow.Value.TryGetProperty("tokenUrl", out var t) ? t.GetString() : null);
            var scopes = flow.Value.GetProperty("scopes");
            Assert.Equal("Access to basic profile information", scopes.GetProperty("openid").GetString());
            Assert.Equal("Access to email address", scopes.GetProperty("email").GetString());
            Assert.Equal("Access to full profile information", scopes.GetProperty("profile").GetString());
            foreach (var scope in OrgKeys.OAuth.Scopes.All)
            {
                Assert.False(string.IsNullOrWhiteSpace(scopes.GetProperty(scope).GetString()), scope);
            }
        }
    }

    [Theory]
    [InlineData("/v1/api/organizations/{organizationId}", "get", "organizations:read")]
    [InlineData("/v1/api/organizations/{organizationId}/apikeys", "post", "apikeys:write")]
    [InlineData("/v1/api/organizations/{organizationId}/oauth-clients", "post", "oauth-clients:write")]
    [InlineData("/v1/api/user", "get", "user:read")]
    public void AnOperationATokenMayCall_ListsOAuth2_WithItsScope(string path, string method, string scope)
    {
        var security = Security(path, method);
        Assert.Contains(security, r => r.TryGetProperty("OAuth2", out var s) && s.EnumerateArray().Select(x => x.GetString()).SequenceEqual([scope]));
        Assert.Contains(security, r => r.TryGetProperty("ApiKeyAuthentication", out _));
    }

    [Fact]
    public void AnOperationNoTokenMayCall_DoesNotListOAuth2()
    {
        var security = Security("/v1/api/organizations/{organizationId}", "delete");
        Assert.NotEmpty(security);
        Assert.DoesNotContain(security, r => r.TryGetProperty("OAuth2", out _));
    }

    private List<JsonElement> Security(string path, string method) =>
        [.. _document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("security").EnumerateArray()];
}
