using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>Bad input to each of the six OAuth client endpoints: a 4xx in the contract's shape, and nothing changes.</summary>
public sealed class ClientInputTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;
    private string _clients = null!;
    private int _confidential;
    private int _public;

    /// <summary>Each is wrong in one way only; the rest would register a client.</summary>
    public static TheoryData<string, string> BadRegistrations => new()
    {
        { "missing name", """{"redirectUris":["https://a.example/cb"]}""" },
        { "empty name", """{"name":"","redirectUris":["https://a.example/cb"]}""" },
        { "blank name", """{"name":"   ","redirectUris":["https://a.example/cb"]}""" },
        { "oversized name", $$"""{"name":"{{new string('n', 129)}}","redirectUris":["https://a.example/cb"]}""" },
        { "newline in name", """{"name":"a\nb","redirectUris":["https://a.example/cb"]}""" },
        { "RTL override in name", """{"name":"a\u202Eb","redirectUris":["https://a.example/cb"]}""" },
        { "NUL in name", """{"name":"a\u0000b","redirectUris":["https://a.example/cb"]}""" },
        { "name not a string", """{"name":5,"redirectUris":["https://a.example/cb"]}""" },
        { "oversized description", $$"""{"name":"x","description":"{{new string('d', 1025)}}","redirectUris":["https://a.example/cb"]}""" },
        { "control character in description", """{"name":"x","description":"a\u0007b","redirectUris":["https://a.example/cb"]}""" },
        { "script homepage", """{"name":"x","homepageUrl":"javascript:alert(1)","redirectUris":["https://a.example/cb"]}""" },
        { "plain http redirect", """{"name":"x","redirectUris":["http://a.example/cb"]}""" },
        { "loopback look-alike", """{"name":"x","redirectUris":["http://localhost.evil.example/cb"]}""" },
        { "redirect with fragment", """{"name":"x","redirectUris":["https://a.example/cb#f"]}""" },
        { "relative redirect", """{"name":"x","redirectUris":["/cb"]}""" },
        { "custom scheme redirect", """{"name":"x","redirectUris":["javascript:alert(1)"]}""" },
        { "null redirect", """{"name":"x","redirectUris":[null]}""" },
        { "eleven redirects", $$"""{"name":"x","redirectUris":[{{string.Join(',', Enumerable.Range(0, 11).Select(i => $"\"https://a.example/{i}\""))}}]}""" },
        { "code flow without redirect", """{"name":"x","redirectUris":[]}""" },
        { "unknown scope", """{"name":"x","redirectUris":["https://a.example/cb"],"scopes":["admin"]}""" },
        { "scope with space", """{"name":"x","redirectUris":["https://a.example/cb"],"scopes":["openid "]}""" },
        { "unknown grant type", """{"name":"x","redirectUris":["https://a.example/cb"],"allowedGrantTypes":["urn:ietf:params:oauth:grant-type:device_code"]}""" },
        { "no grant type", """{"name":"x","redirectUris":["https://a.example/cb"],"allowedGrantTypes":[]}""" },
        { "public client_credentials", """{"name":"x","isPublic":true,"allowedGrantTypes":["client_credentials"]}""" },
        { "malformed JSON", """{"name":"x",""" },
        { "JSON array", """["x"]""" },
    };

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin, _, _org) = await OAuthTestHost.AdminAsync(_app);
        _clients = $"/v1/api/organizations/{_org}/oauth-clients";
        (_confidential, _, _) = await OAuthTestHost.RegisterConfidentialAsync(_admin, _org, "client_credentials", "authorization_code");
        (_public, _, _) = await OAuthTestHost.RegisterAsync(_admin, _org, System.Text.Json.JsonDocument.Parse("""{"name":"Spa","isPublic":true,"redirectUris":["http://127.0.0.1:8080/cb"]}""").RootElement);
    }

    public Task DisposeAsync()
    {
        _admin.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Create_RefusesBadInput(string why, string json)
    {
        await AssertRefusedAsync(why, () => _admin.PostAsync(_clients, Json(json)));
    }

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Update_RefusesBadInput(string why, string json)
    {
        if (why is "missing name" or "code flow without redirect" or "public client_credentials")
        {
            return; // an update leaves out what it keeps; a confidential client may take client_credentials
        }

        await AssertRefusedAsync(why, () => _admin.PostAsync($"{_clients}/{_confidential}", Json(json)));
    }

    [Fact]
    public async Task Update_ThatWouldStripAllRedirects_OrGivePublicClientCredentials_IsRefused()
    {
        await AssertRefusedAsync("no redirect left", () => _admin.PostAsync($"{_clients}/{_confidential}", Json("""{"redirectUris":[]}""")));
        await AssertRefusedAsync("public client_credentials", () => _admin.PostAsync($"{_clients}/{_public}", Json("""{"allowedGrantTypes":["client_credentials"]}""")));
    }

    [Fact]
    public async Task WrongContentType_Is415_OnCreateAndUpdate()
    {
        var body = """{"name":"x","redirectUris":["https://a.example/cb"]}""";
        var create = await AssertRefusedAsync("text/plain", () => _admin.PostAsync(_clients, new StringContent(body, Encoding.UTF8, "text/plain")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, create);
        var form = await AssertRefusedAsync("form", () => _admin.PostAsync($"{_clients}/{_confidential}",
            new FormUrlEncodedContent([new("name", "x")])));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form);
        var empty = await AssertRefusedAsync("no body", () => _admin.PostAsync(_clients, null));
        Assert.True(empty is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, Describe(empty));
    }

    [Fact]
    public async Task UnknownOrMalformedIds_Are404_OnEveryEndpointThatTakesOne()
    {
        foreach (var id in new[] { "999999", "0", "-1", "abc", "99999999999" })
        {
            var path = $"{_clients}/{id}";
            Assert.Equal(HttpStatusCode.NotFound, await AssertRefusedAsync(id, () => _admin.GetAsync(path)));
            Assert.Equal(HttpStatusCode.NotFound, await AssertRefusedAsync(id, () => _admin.PostAsync(path, Json("""{"name":"y"}"""))));
            Assert.Equal(HttpStatusCode.NotFound, await AssertRefusedAsync(id, () => _admin.PostAsync($"{path}/rotate-secret", null)));
            Assert.Equal(HttpStatusCode.NotFound, await AssertRefusedAsync(id, () => _admin.DeleteAsync(path)));
        }

        Assert.Equal(HttpStatusCode.NotFound, await AssertRefusedAsync("no organization", () => _admin.GetAsync("/v1/api/organizations/999999/oauth-clients")));
    }

    [Fact]
    public async Task RotatingAPublicClient_IsRefused()
    {
        var status = await AssertRefusedAsync("public", () => _admin.PostAsync($"{_clients}/{_public}/rotate-secret", null));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task GoodInput_StillWorks_SoTheRefusalsAboveAreAboutTheInput()
    {
        var created = await _admin.PostAsync(_clients, Json("""{"name":"Fine","description":"two\u0020words","redirectUris":["http://[::1]:9/cb","https://a.example/cb"],"scopes":["openid"]}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var updated = await _admin.PostAsync($"{_clients}/{_confidential}", Json("""{"name":"Renamed"}"""));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var client = await (await _admin.GetAsync($"{_clients}/{_confidential}")).ReadJsonAsync();
        Assert.Equal("Renamed", client.GetProperty("oauthClient").GetProperty("name").GetString());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Describe(HttpStatusCode status) => $"status {(int)status}";

    /// <summary>The answer is a 4xx with <c>{success:false, error}</c>, and no client or audit row changed.</summary>
    private async Task<HttpStatusCode> AssertRefusedAsync(string why, Func<Task<HttpResponseMessage>> send)
    {
        var before = await SnapshotAsync();
        var response = await send();
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{why}: {status}");
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean(), why);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()), why);
        Assert.Equal(before, await SnapshotAsync());
        return response.StatusCode;
    }

    private Task<string> SnapshotAsync() => _app.WithDbAsync(async db =>
    {
        var rows = await db.OAuthApplications.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        var clients = rows.Select(a => string.Join('|', a.Id, a.DisplayName, a.Description, a.HomepageUrl, a.ClientSecret, a.RedirectUris, a.Permissions,
            a.Properties, a.ConcurrencyToken));
        return string.Join('\n', clients) + "\naudit:" + await db.AuditEntries.CountAsync();
    });
}
