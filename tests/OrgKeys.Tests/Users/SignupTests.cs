using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Users;

/// <summary><c>/v1/api-user-create</c> on a server where an operator turned sign-up on.</summary>
public class SignupTests(SignupApp shared) : IClassFixture<SignupApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _anonymous = _app.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> SignUpAsync(string username = "mallory", string email = "mallory@example.com",
        string password = OrgKeysApp.Password, bool? privacyPolicy = true) =>
        _anonymous.PostAsJsonAsync("/v1/api-user-create",
            new { name = "Mallory", username, email, password, privacyPolicy, turnstileResponse = "" });

    [Fact]
    public async Task SignUp_CreatesAUserWhoCanLogIn()
    {
        var response = await SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        var id = body.GetProperty("id").GetInt32();

        using var client = _app.ClientWithJwt(await _app.LoginAsync("mallory"));
        Assert.Equal(id, (await (await client.GetAsync("/v1/api/user")).ReadJsonAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task SignUp_WithoutAcceptingThePrivacyPolicy_Is400()
    {
        foreach (var accepted in new bool?[] { null, false })
        {
            var response = await SignUpAsync(privacyPolicy: accepted);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("privacyPolicy", await response.ReadErrorAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await _app.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("m", "mallory@example.com", OrgKeysApp.Password, "username")]
    [InlineData("mallory", "not-an-email", OrgKeysApp.Password, "email")]
    [InlineData("mallory", "mallory@example.com", "too short", "password")]
    public async Task SignUp_BadField_Is400_NamingIt(string username, string email, string password, string field)
    {
        var response = await SignUpAsync(username, email, password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("MALLORY", "other@example.com")]
    [InlineData("other", "Mallory@Example.com")]
    public async Task SignUp_WithATakenUsernameOrEmail_AnyCase_Is409(string username, string email)
    {
        Assert.Equal(HttpStatusCode.OK, (await SignUpAsync()).StatusCode);
        var response = await SignUpAsync(username, email);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Users.CountAsync()));
    }
}

/// <summary>A host with sign-up on and the real password hash: sign-up is about passwords.</summary>
public sealed class SignupApp() : SharedApp(new OrgKeysApp(new() { ["OrgKeys:Signup:Enabled"] = "true" }) { RealPasswordHashing = true });
