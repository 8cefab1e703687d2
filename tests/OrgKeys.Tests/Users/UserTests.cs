using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Users;

/// <summary>The signed-in user: <c>/v1/api/user</c>, their organizations, and logging in.</summary>
public class UserTests(RealPasswordsApp shared) : IClassFixture<RealPasswordsApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private int _alice;
    private DateTime _created;
    private DateTime _loggedIn;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _created = _app.AdvanceToWholeSecond();
        _alice = await _app.CreateUserAsync("alice", "Alice@Example.com");
        _app.Time.Advance(TimeSpan.FromMinutes(1));
        _loggedIn = _app.Time.GetUtcNow().UtcDateTime;
        _client = _app.ClientWithJwt(await _app.LoginAsync("alice"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        await _app.CreateClient().PostAsJsonAsync("/v1/api-login", new { username, password });

    [Fact]
    public async Task GetCurrentUser_HasTheContractShape()
    {
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(_client);
        await _app.CreateUserAsync("bob");
        await _app.JoinAsync(_client, org, "bob", "member");

        var response = await _client.GetAsync("/v1/api/user");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await response.ReadJsonAsync();
        Assert.True(user.GetProperty("success").GetBoolean());
        Assert.Equal(_alice, user.GetProperty("id").GetInt32());
        Assert.Equal("alice", user.GetProperty("username").GetString());
        Assert.Equal("alice", user.GetProperty("name").GetString());
        Assert.Equal("Alice@Example.com", user.GetProperty("email").GetString());
        Assert.Equal(_created, user.GetProperty("created").GetDateTime());
        Assert.Equal(_loggedIn, user.GetProperty("lastSeen").GetDateTime());
        Assert.False(user.GetProperty("staffInfo").GetProperty("isStaff").GetBoolean());
        Assert.False(user.GetProperty("staffInfo").GetProperty("hasSudoRights").GetBoolean());
        Assert.False(user.GetProperty("pending").GetBoolean());
        Assert.True(user.GetProperty("activated").GetBoolean());
        Assert.False(user.GetProperty("mfaConfigured").GetBoolean());
        Assert.Equal(JsonValueKind.String, user.GetProperty("tier").ValueKind);
        Assert.Empty(user.GetProperty("projects").EnumerateArray());
        Assert.Empty(user.GetProperty("experiments").EnumerateArray());
        AssertUserOrganization(Assert.Single(user.GetProperty("organizations").EnumerateArray()), org, "Acme", isAdmin: true, userCount: 2, adminCount: 1);
    }

    private static void AssertUserOrganization(JsonElement o, int id, string name, bool isAdmin, int userCount, int adminCount)
    {
        Assert.Equal(id, o.GetProperty("id").GetInt32());
        Assert.Equal(name, o.GetProperty("name").GetString());
        Assert.Equal(isAdmin, o.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(userCount, o.GetProperty("userCount").GetInt32());
        Assert.Equal(adminCount, o.GetProperty("adminCount").GetInt32());
        Assert.False(o.GetProperty("isDeveloperProfile").GetBoolean());
        Assert.Equal(JsonValueKind.Null, o.GetProperty("whitelabelId").ValueKind);
        Assert.Equal(JsonValueKind.Null, o.GetProperty("trialId").ValueKind);
        Assert.Equal(JsonValueKind.Null, o.GetProperty("trialExpiredDate").ValueKind);
        Assert.Equal(JsonValueKind.Null, o.GetProperty("trialUpgradedDate").ValueKind);
        Assert.Equal(JsonValueKind.Object, o.GetProperty("entitlementLimits").ValueKind);
        Assert.Equal(0, o.GetProperty("privateProjectCount").GetInt32());
        Assert.True(o.GetProperty("created").TryGetDateTime(out _));
        Assert.NotEmpty(o.GetProperty("publicProjectLicense").GetProperty("name").GetString()!);
        Assert.NotEmpty(o.GetProperty("publicProjectLicense").GetProperty("link").GetString()!);
    }

    [Fact]
    public async Task ListOrganizations_HasEveryMembershipWithItsRole_AndNoOtherOrganization()
    {
        var (own, _) = await OrgKeysApp.CreateOrganizationAsync(_client, "Own");
        var (_, bob) = await _app.SignedInUserAsync("bob");
        var (shared, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Shared");
        await OrgKeysApp.CreateOrganizationAsync(bob, "Bob only");
        await _app.JoinAsync(bob, shared, "alice", "member");
        var (deleted, _) = await OrgKeysApp.CreateOrganizationAsync(_client, "Deleted");
        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"/v1/api/organizations/{deleted}")).StatusCode);

        var response = await _client.GetAsync("/v1/api/user/organizations");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        var organizations = body.GetProperty("organizations").EnumerateArray().ToList();
        Assert.Equal(2, organizations.Count);
        AssertUserOrganization(organizations[0], own, "Own", isAdmin: true, userCount: 1, adminCount: 1);
        AssertUserOrganization(organizations[1], shared, "Shared", isAdmin: false, userCount: 2, adminCount: 1);
    }

    [Theory]
    [InlineData("/v1/api/user")]
    [InlineData("/v1/api/user/organizations")]
    public async Task ApiKey_OnUserEndpoints_Is404(string path)
    {
        var (_, key) = await OrgKeysApp.CreateOrganizationAsync(_client);
        using var withKey = _app.ClientWithKey(key);
        var response = await withKey.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("ALICE")]
    [InlineData("alice@example.com")]
    [InlineData("ALICE@EXAMPLE.COM")]
    public async Task Login_WithUsernameOrEmail_AnyCase_GivesAWorkingToken(string username)
    {
        var response = await LoginAsync(username, OrgKeysApp.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        using var client = _app.ClientWithJwt(body.GetProperty("token").GetString()!);
        Assert.Equal(_alice, (await (await client.GetAsync("/v1/api/user")).ReadJsonAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Login_WrongPassword_UnknownUser_AndDisabledUser_LookTheSame()
    {
        var bob = await _app.CreateUserAsync("bob");
        await _app.WithDbAsync(db => db.Users.Where(u => u.Id == bob).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true)));

        var wrongPassword = await LoginAsync("alice", OrgKeysApp.Password + "!");
        var unknownUser = await LoginAsync("nobody", OrgKeysApp.Password);
        var disabledUser = await LoginAsync("bob", OrgKeysApp.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        var message = await wrongPassword.ReadErrorAsync();
        foreach (var response in new[] { unknownUser, disabledUser })
        {
            Assert.Equal(wrongPassword.StatusCode, response.StatusCode);
            Assert.Equal(message, await response.ReadErrorAsync());
        }
    }

    [Theory]
    [InlineData("""{"password":"correct horse battery staple"}""", "username")]
    [InlineData("""{"username":"","password":"correct horse battery staple"}""", "username")]
    [InlineData("""{"username":"alice"}""", "password")]
    [InlineData("""{"username":"alice","password":""}""", "password")]
    [InlineData("""{"username":"alice","password":12}""", "password")]
    public async Task Login_BadBody_Is400_NamingTheField(string json, string field)
    {
        var response = await _app.CreateClient().PostAsync("/v1/api-login", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_IsRefused_WhenSignupIsOff()
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/v1/api-user-create", new
        {
            name = "Mallory",
            username = "mallory",
            email = "mallory@example.com",
            password = OrgKeysApp.Password,
            privacyPolicy = true,
            turnstileResponse = "",
        });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.False(await _app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == "mallory")));
    }
}

/// <summary>A host with the real password hash, for the tests about passwords.</summary>
public sealed class RealPasswordsApp() : SharedApp(new OrgKeysApp { RealPasswordHashing = true });
