using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.WhiteLabels;

namespace OrgKeys.Tests.Security;

/// <summary>
/// Found by the fuzzer: a NUL (U+0000) in a login name reached PostgreSQL, which refuses it, and the
/// answer was a 500. Every string a client sends is checked for it before any query.
/// </summary>
public class NulCharacterTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    [Theory]
    [InlineData("alice\u0000")]
    [InlineData("\u0000")]
    public async Task Login_WithNulInTheUsername_Is400(string username)
    {
        var response = await App.CreateClient().PostAsJsonAsync("/v1/api-login", new { username, password = "a password of some length" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'username' must not contain the NUL character (U+0000).", await response.ReadErrorAsync());
    }

    [Fact]
    public async Task Bodies_WithNulInAnyString_Are400_AndStoreNothing()
    {
        var before = await App.WithDbAsync(db => Task.FromResult((db.Organizations.Count(), db.ApiKeys.Count(), db.Members.Count())));
        var requests = new (string Path, object Body, string Field)[]
        {
            ("/v1/api/organizations/create", new { organizationName = "Nul\u0000Corp" }, "organizationName"),
            ($"/v1/api/organizations/{AdminOrg}/apikeys", new { name = "nul\u0000key", role = "member" }, "name"),
            ($"/v1/api/organizations/{AdminOrg}/members/add", new { usernameOrEmail = "ivan\u0000", role = "member" }, "usernameOrEmail"),
            ($"{WhiteLabelPath()}/organizations", new { organizationName = "Inner", adminEmail = "ivan@example.com\u0000" }, "adminEmail"),
        };
        foreach (var (path, body, field) in requests)
        {
            var response = await Alice.PostAsJsonAsync(path, body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
            Assert.Equal($"'{field}' must not contain the NUL character (U+0000).", await response.ReadErrorAsync());
        }

        Assert.Equal(before, await App.WithDbAsync(db => Task.FromResult((db.Organizations.Count(), db.ApiKeys.Count(), db.Members.Count()))));
    }

    [Fact]
    public async Task QueryString_WithNul_Is400()
    {
        var response = await Alice.GetAsync(new Uri($"{WhiteLabelPath()}/organizations?search=a%00b", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("NUL", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }
}
