using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

public class AddApiKeyTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> AddKeyAsync(HttpClient client, object body, int? org = null) =>
        client.PostAsJsonAsync($"/v1/api/organizations/{org ?? _org}/apikeys", body);

    private Task<int> KeyCountAsync() => _app.WithDbAsync(db => db.ApiKeys.CountAsync());

    [Fact]
    public async Task AdminUser_CreatesAdminAndMemberKeys_ThatWork()
    {
        foreach (var role in new[] { "admin", "member" })
        {
            var response = await AddKeyAsync(_admin, new { name = $"{role} key", role });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadJsonAsync();
            Assert.True(body.GetProperty("success").GetBoolean());
            Assert.True(body.GetProperty("id").GetInt32() > 0);
            var key = body.GetProperty("apiKey").GetString()!;
            Assert.Matches("^ei_[0-9a-f]{64}$", key);

            using var withKey = _app.ClientWithKey(key);
            Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        }
    }

    [Fact]
    public async Task CustomKey_IsAcceptedAndWorks()
    {
        const string custom = "ei_my-own-custom-key-0123456789abcdef";
        var response = await AddKeyAsync(_admin, new { name = "custom", role = "member", apiKey = custom });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(custom, (await response.ReadJsonAsync()).GetProperty("apiKey").GetString());
        using var withKey = _app.ClientWithKey(custom);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
    }

    [Fact]
    public async Task CustomKey_AlreadyInUseAnywhere_Is409_AndCreatesNothing()
    {
        const string custom = "ei_shared-custom-key-0123456789abcdef";
        Assert.Equal(HttpStatusCode.OK, (await AddKeyAsync(_admin, new { name = "first", role = "member", apiKey = custom })).StatusCode);

        var (_, bob) = await _app.SignedInUserAsync("bob");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other");
        var before = await KeyCountAsync();
        var response = await AddKeyAsync(bob, new { name = "again", role = "member", apiKey = custom }, otherOrg);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task MemberKey_CannotCreateAdminKey_ButCanCreateMemberKey()
    {
        var memberKey = (await (await AddKeyAsync(_admin, new { name = "m", role = "member" })).ReadJsonAsync()).GetProperty("apiKey").GetString()!;
        using var member = _app.ClientWithKey(memberKey);
        var before = await KeyCountAsync();
        var refused = await AddKeyAsync(member, new { name = "escalate", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("admin", await refused.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await KeyCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await AddKeyAsync(member, new { name = "peer", role = "member" })).StatusCode);
    }

    [Theory]
    [InlineData("""{"role":"member"}""", "name")]
    [InlineData("""{"name":"","role":"member"}""", "name")]
    [InlineData("""{"name":"   ","role":"member"}""", "name")]
    [InlineData("""{"name":5,"role":"member"}""", "name")]
    [InlineData("""{"name":"k"}""", "role")]
    [InlineData("""{"name":"k","role":"owner"}""", "role")]
    [InlineData("""{"name":"k","role":"guest"}""", "role")]
    [InlineData("""{"name":"k","role":"Admin"}""", "role")]
    [InlineData("""{"name":"k","role":"member","apiKey":"abc"}""", "apiKey")]
    [InlineData("""{"name":"k","role":"member","apiKey":"ei_tooshort"}""", "apiKey")]
    [InlineData("""{"name":"k","role":"member","apiKey":"xx_0123456789abcdef0123456789abcdef"}""", "apiKey")]
    [InlineData("""{"name":"k","role":"member","apiKey":"ei_0123456789abcdef 0123456789abcdef"}""", "apiKey")]
    [InlineData("""{"name":"k","role":"member","apiKey":12345}""", "apiKey")]
    [InlineData("""{"name":"k","role":"member","ttl":0}""", "ttl")]
    [InlineData("""{"name":"k","role":"member","ttl":-5}""", "ttl")]
    [InlineData("""{"name":"k","role":"member","ttl":1.5}""", "ttl")]
    [InlineData("""{"name":"k","role":"member","ttl":"60"}""", "ttl")]
    [InlineData("""{"name":"k","role":"member","ttl":315576001}""", "ttl")]
    [InlineData("""{"name":"k","role":"member","ttl":99999999999999999999}""", "ttl")]
    public async Task BadBody_Is400_NamingTheField_AndCreatesNothing(string json, string field)
    {
        var before = await KeyCountAsync();
        var response = await _admin.PostAsync($"/v1/api/organizations/{_org}/apikeys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task NameOf129Characters_Is400_And128IsAccepted()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await AddKeyAsync(_admin, new { name = new string('n', 129), role = "member" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AddKeyAsync(_admin, new { name = new string('n', 128), role = "member" })).StatusCode);
    }

    [Theory]
    [InlineData("{bad json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    public async Task MalformedOrMissingBody_Is400(string json)
    {
        var before = await KeyCountAsync();
        var response = await _admin.PostAsync($"/v1/api/organizations/{_org}/apikeys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task UnknownFields_AreIgnored()
    {
        var response = await AddKeyAsync(_admin, new { name = "k", role = "member", color = "blue", nested = new { a = 1 } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task KeyMintedByExpiringKey_ExpiresNoLaterThanItsCreator()
    {
        var creator = (await (await AddKeyAsync(_admin, new { name = "short", role = "admin", ttl = 60 })).ReadJsonAsync()).GetProperty("apiKey").GetString()!;
        using var withCreator = _app.ClientWithKey(creator);
        var child = (await (await AddKeyAsync(withCreator, new { name = "child", role = "member", ttl = 3600 })).ReadJsonAsync()).GetProperty("apiKey").GetString()!;
        var forever = (await (await AddKeyAsync(withCreator, new { name = "forever", role = "member" })).ReadJsonAsync()).GetProperty("apiKey").GetString()!;

        _app.Time.Advance(TimeSpan.FromSeconds(61));
        foreach (var key in new[] { child, forever })
        {
            using var client = _app.ClientWithKey(key);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        }
    }

    [Fact]
    public async Task Guest_CannotCreateKeys()
    {
        var (_, guest) = await _app.SignedInUserAsync("gina");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "gina", "guest")).StatusCode);
        var before = await KeyCountAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await AddKeyAsync(guest, new { name = "k", role = "member" })).StatusCode);
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task MemberUser_CreatesMemberKey_ButNotAdminKey()
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        await _app.JoinAsync(_admin, _org, "bob", "member");
        Assert.Equal(HttpStatusCode.OK, (await AddKeyAsync(bob, new { name = "k", role = "member" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await AddKeyAsync(bob, new { name = "k", role = "admin" })).StatusCode);
    }

    [Fact]
    public async Task KeyOfAnotherOrganization_Gets404_AndCreatesNothing()
    {
        var (_, bob) = await _app.SignedInUserAsync("bob");
        var (otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other");
        using var aliceKey = _app.ClientWithKey(_adminKey);
        var before = await KeyCountAsync();
        var response = await AddKeyAsync(aliceKey, new { name = "k", role = "member" }, otherOrg);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task NonMemberUser_Gets404_SameAsForAMissingOrganization()
    {
        var (_, carol) = await _app.SignedInUserAsync("carol");
        var existing = await AddKeyAsync(carol, new { name = "k", role = "member" });
        var missing = await AddKeyAsync(carol, new { name = "k", role = "member" }, 999_999);
        Assert.Equal(HttpStatusCode.NotFound, existing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(await missing.ReadErrorAsync(), await existing.ReadErrorAsync());
    }
}
