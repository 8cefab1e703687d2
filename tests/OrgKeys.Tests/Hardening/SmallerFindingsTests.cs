using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Hardening;

/// <summary>Issue 14, "smaller ones": cookie forgery, weak and conflicting custom keys, the OpenAPI servers URL, control characters, 415.</summary>
public class SmallerFindingsTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new(new() { ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = "3" });
    private HttpClient _alice = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        (_, _alice) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_alice);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ACrossSiteLogout_WithTheCookieAndNoJson_IsRefused_AndTheSessionLives()
    {
        using var browser = _app.ClientWithJwtCookie(await _app.LoginAsync("alice"));
        var forged = await browser.PostAsync("/v1/api-logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, forged.StatusCode);
        Assert.Contains("application/json", await forged.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await browser.PostAsync("/v1/api-logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/v1/api/user")).StatusCode);

        // The console's own call says it is JSON, and works.
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/v1/api-logout", new StringContent("", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/api/user")).StatusCode);
    }

    [Fact]
    public async Task HeaderCredentials_AreNotAffected()
    {
        using var client = _app.ClientWithJwt(await _app.LoginAsync("alice"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/api-logout", null)).StatusCode);
    }

    [Theory]
    [InlineData("ei_00000000000000000000000000000")]
    [InlineData("ei_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("ei_11111111112222222222333333333344444")]
    public async Task AWeakCustomKey_IsRefused_NamingTheRule(string apiKey)
    {
        var response = await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = "weak", role = "member", apiKey });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadErrorAsync();
        Assert.Contains("'apiKey'", error, StringComparison.Ordinal);
        Assert.Contains("128 bits", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACustomKeyConflict_CountsAsARefusedCredential()
    {
        var custom = "ei_custom_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        await OrgKeysApp.CreateKeyAsync(_alice, _org, apiKey: custom);
        var (other, _) = await OrgKeysApp.CreateOrganizationAsync(_alice, "Other");
        for (var i = 0; i < 3; i++)
        {
            var conflict = await _alice.PostAsJsonAsync($"/v1/api/organizations/{other}/apikeys", new { name = "guess", role = "member", apiKey = custom });
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }

        using var guesser = _app.ClientWithKey("ei_a-well-formed-custom-key-that-is-unknown");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.GetAsync($"/v1/api/organizations/{other}")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://keys.example.com")]
    public async Task TheOpenApiServersUrl_NeverComesFromTheHostHeader(string? issuer)
    {
        await using var app = new OrgKeysApp(new() { ["OrgKeys:Issuer"] = issuer });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/openapi.json");
        request.Headers.Host = "evil.example";
        var document = await (await client.SendAsync(request)).ReadJsonAsync();
        var urls = document.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()).ToList();
        Assert.Equal([issuer ?? "/"], urls);
    }

    [Theory]
    [InlineData("organizationName", "Acme\u202Egnp.exe")]
    [InlineData("organizationName", "Acme\nInc")]
    [InlineData("organizationName", "Acme\u200BInc")]
    public async Task OrganizationNames_RefuseControlCharacters(string field, string name)
    {
        var response = await _alice.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = name });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{field}'", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key\r\nname")]
    [InlineData("key\u202Ename")]
    public async Task KeyNames_RefuseControlCharacters(string name)
    {
        var response = await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name, role = "member" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'name'", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A415_SaysWhatToSend()
    {
        var response = await _alice.PostAsync("/v1/api/organizations/create", new StringContent("""{"organizationName":"x"}""", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("Send the body as application/json.", await response.ReadErrorAsync());
    }
}
