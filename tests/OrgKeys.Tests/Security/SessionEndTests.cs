using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Users;

namespace OrgKeys.Tests.Security;

/// <summary>Logging out, changing the password and disabling a user end that user's JWTs at once.</summary>
public class SessionEndTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private const string NewPassword = "a different, equally long passphrase";
    private readonly OrgKeysApp _app = shared.App;
    private string _first = null!;
    private string _second = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.CreateUserAsync("alice");
        _first = await _app.LoginAsync("alice");
        _second = await _app.LoginAsync("alice");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpStatusCode> StatusAsync(string token)
    {
        using var client = _app.ClientWithJwt(token);
        return (await client.GetAsync("/v1/api/user")).StatusCode;
    }

    [Fact]
    public async Task Logout_EndsEverySessionOfTheUser_AndClearsTheCookie()
    {
        using var client = _app.ClientWithJwt(_first);
        var response = await client.PostAsync("/v1/api-logout", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("jwt=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_first));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_second));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(await _app.LoginAsync("alice")));
    }

    [Fact]
    public async Task ChangePassword_EndsSessions_AndOnlyTheNewPasswordWorks()
    {
        using var client = _app.ClientWithJwt(_first);
        var response = await client.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = OrgKeysApp.Password, newPassword = NewPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_first));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_second));

        using var anonymous = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/api-login", new { username = "alice", password = OrgKeysApp.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(await _app.LoginAsync("alice", NewPassword)));
    }

    [Theory]
    [InlineData("wrong current password!!", NewPassword, "currentPassword")]
    [InlineData(OrgKeysApp.Password, "too short", "newPassword")]
    [InlineData(null, NewPassword, "currentPassword")]
    [InlineData(OrgKeysApp.Password, null, "newPassword")]
    public async Task ChangePassword_BadInput_Is400_AndChangesNothing(string? current, string? next, string field)
    {
        using var client = _app.ClientWithJwt(_first);
        var response = await client.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = current, newPassword = next });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_first));
        await _app.LoginAsync("alice");
    }

    [Fact]
    public async Task ChangePassword_WithAnApiKey_Is404()
    {
        using var user = _app.ClientWithJwt(_first);
        var (_, key) = await OrgKeysApp.CreateOrganizationAsync(user);
        using var withKey = _app.ClientWithKey(key);
        var response = await withKey.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = OrgKeysApp.Password, newPassword = NewPassword });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DisablingAUser_EndsTheirSessions_AndRefusesLogin_UntilEnabled()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserService>().SetDisabledAsync("alice@example.com", true, CancellationToken.None));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_first));
        using var anonymous = _app.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/v1/api-login", new { username = "alice", password = OrgKeysApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Invalid username, e-mail or password.", await refused.ReadErrorAsync());

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserService>().SetDisabledAsync("alice", false, CancellationToken.None));
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(await _app.LoginAsync("alice")));
    }

    [Fact]
    public async Task TokenAndKeyResponses_AreNeverCached_AndPagesCannotBeFramed()
    {
        using var anonymous = _app.CreateClient();
        var login = await anonymous.PostAsJsonAsync("/v1/api-login", new { username = "alice", password = OrgKeysApp.Password });
        Assert.True(login.Headers.CacheControl?.NoStore);
        using var user = _app.ClientWithJwt(_first);
        var created = await user.PostAsJsonAsync("/v1/api/organizations/create", new { organizationName = "Acme" });
        Assert.True(created.Headers.CacheControl?.NoStore);
        var error = await anonymous.PostAsync("/v1/api-login", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.True(error.Headers.CacheControl?.NoStore);
        var docs = await anonymous.GetAsync("/v1/docs");
        Assert.Contains("frame-ancestors 'none'", docs.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
