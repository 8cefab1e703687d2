using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Auth;

/// <summary>Which credentials a request may carry, and what happens when one of them is bad.</summary>
public class CredentialTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private const string BadJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    private readonly OrgKeysApp _app = shared.App;
    private string _jwt = null!;
    private int _org;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _jwt = await _app.IssueSessionTokenAsync(await _app.CreateUserAsync("alice"));
        using var alice = _app.ClientWithJwt(_jwt);
        (_org, _key) = await OrgKeysApp.CreateOrganizationAsync(alice);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Client(string? key = null, string? jwtHeader = null, string? jwtCookie = null)
    {
        var client = _app.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", key);
        }

        if (jwtHeader is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("x-jwt-token", jwtHeader);
        }

        if (jwtCookie is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"jwt={jwtCookie}");
        }

        return client;
    }

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/v1/api/user" },
        { "GET", "/v1/api/user/organizations" },
        { "GET", "/v1/api/organizations" },
        { "POST", "/v1/api/organizations/create" },
        { "GET", "/v1/api/organizations/{org}" },
        { "DELETE", "/v1/api/organizations/{org}" },
        { "GET", "/v1/api/organizations/{org}/apikeys" },
        { "POST", "/v1/api/organizations/{org}/apikeys" },
        { "DELETE", "/v1/api/organizations/{org}/apikeys/1" },
        { "POST", "/v1/api/organizations/{org}/members/add" },
        { "POST", "/v1/api/organizations/{org}/members/remove" },
        { "POST", "/v1/api/organizations/{org}/members/1/role" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task NoCredential_Is401_AndChangesNothing(string method, string path)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{org}", $"{_org}", StringComparison.Ordinal));
        if (method == "POST")
        {
            request.Content = new StringContent("""{"organizationName":"x","name":"k","role":"admin","usernameOrEmail":"alice","id":1}""",
                System.Text.Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());

        // The organization, its one member and its one key are as they were.
        using var admin = Client(key: _key);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(1, await _app.WithDbAsync(db => db.ApiKeys.CountAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Organizations.CountAsync()));
    }

    [Fact]
    public async Task EachGoodCredential_AloneOrTogether_IsAccepted()
    {
        // The control for the mixed cases below.
        foreach (var (key, header, cookie) in new (string?, string?, string?)[]
        {
            (_key, null, null), (null, _jwt, null), (null, null, _jwt), (_key, _jwt, null), (_key, null, _jwt), (null, _jwt, _jwt), (_key, _jwt, _jwt),
        })
        {
            using var client = Client(key, header, cookie);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        }
    }

    public static TheoryData<string, string, string> OneBadBesideGood => new()
    {
        // key, x-jwt-token, jwt cookie: "good", "bad" or "" (absent)
        { "bad", "good", "" },
        { "bad", "", "good" },
        { "good", "bad", "" },
        { "good", "", "bad" },
        { "", "good", "bad" },
        { "", "bad", "good" },
        { "good", "good", "bad" },
        { "good", "bad", "good" },
        { "bad", "good", "good" },
    };

    [Theory]
    [MemberData(nameof(OneBadBesideGood))]
    public async Task BadCredential_BesideAGoodOne_Is401(string key, string header, string cookie)
    {
        string? Pick(string which, string good, string bad) => which switch { "good" => good, "bad" => bad, _ => null };
        using var client = Client(
            Pick(key, _key, ApiKeyFormat.Generate()), Pick(header, _jwt, BadJwt), Pick(cookie, _jwt, BadJwt));
        var response = await client.GetAsync($"/v1/api/organizations/{_org}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
    }

    [Fact]
    public async Task WellFormedKey_NotInTheDatabase_Is401()
    {
        foreach (var key in new[] { ApiKeyFormat.Generate(), "ei_a-custom-key-nobody-ever-created-0123" })
        {
            Assert.True(ApiKeyFormat.IsPlausible(key));
            using var client = _app.ClientWithKey(key);
            var response = await client.GetAsync($"/v1/api/organizations/{_org}");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Invalid API key.", await response.ReadErrorAsync());
        }
    }

    [Fact]
    public async Task TwoApiKeyHeaders_Are401_EvenIfBothAreGood()
    {
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", [_key, _key]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task Login_StillWorks_BesideAStaleCredential()
    {
        // A browser keeps its expired jwt cookie until it logs in again: login must not be refused for it.
        _app.Time.Advance(TimeSpan.FromDays(31));
        using var client = Client(key: ApiKeyFormat.Generate(), jwtCookie: _jwt);
        var response = await client.PostAsJsonAsync("/v1/api-login", new { username = "alice", password = OrgKeysApp.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty((await response.ReadJsonAsync()).GetProperty("token").GetString()!);
    }
}
