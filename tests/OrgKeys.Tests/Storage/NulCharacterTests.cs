using System.Net;
using System.Text;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Storage;

/// <summary>
/// PostgreSQL text cannot hold U+0000: every string a client sends that reaches the database is
/// checked for it first, so the answer is a 400 naming the field, not a 500 (on SQLite it would be stored).
/// </summary>
public class NulCharacterTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new(new() { ["OrgKeys:Signup:Enabled"] = "true" });
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/v1/api/organizations/create", """{"organizationName":"Ac\u0000me"}""", "organizationName")]
    [InlineData("/v1/api/organizations/{org}/apikeys", """{"name":"k\u0000","role":"member"}""", "name")]
    [InlineData("/v1/api/organizations/{org}/members/add", """{"usernameOrEmail":"bob\u0000","role":"member"}""", "usernameOrEmail")]
    [InlineData("/v1/api-login", """{"username":"alice\u0000","password":"correct horse battery staple"}""", "username")]
    [InlineData("/v1/api-user-create", """{"name":"Mal\u0000lory","username":"mallory","email":"mallory@example.com","password":"correct horse battery staple","privacyPolicy":true}""", "name")]
    [InlineData("/v1/api-user-create", """{"name":"Mallory","username":"mallory","email":"mal\u0000lory@example.com","password":"correct horse battery staple","privacyPolicy":true}""", "email")]
    public async Task NulCharacter_InAStringThatReachesTheDatabase_Is400_NamingTheField(string path, string json, string field)
    {
        var response = await _admin.PostAsync(path.Replace("{org}", $"{_org}", StringComparison.Ordinal), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{field}'", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }
}
