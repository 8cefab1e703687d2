using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Hardening;

/// <summary>
/// Issue 14, finding 4 and "change-password has no throttle": failures by others at the same
/// address never refuse a correct password; address counts decay and reset on success; a username
/// and its e-mail share one allowance; change-password is throttled like sign-in.
/// </summary>
public class LockoutResistanceTests : IAsyncLifetime
{
    private const string Wrong = "wrong password, long enough";
    private readonly OrgKeysApp _app = new();
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        await _app.CreateUserAsync("alice");
        _anonymous = _app.CreateClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        _anonymous.PostAsJsonAsync("/v1/api-login", new { username, password });

    /// <summary>Each failure on a different unknown name: only the address's count grows.</summary>
    private async Task FailAsOthersAsync(int count, string tag)
    {
        for (var i = 0; i < count; i++)
        {
            await LoginAsync($"nobody-{tag}-{i}", Wrong);
        }
    }

    [Fact]
    public async Task ACorrectPassword_IsNotRefused_AfterOthersFailedFromTheSameAddress()
    {
        await FailAsOthersAsync(25, "a");
        // The address is over its allowance: wrong passwords from it wait…
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync("alice", Wrong)).StatusCode);
        // …but the right one for an account that is not itself throttled gets in.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("alice", OrgKeysApp.Password)).StatusCode);
    }

    [Fact]
    public async Task AddressCounts_ResetOnSuccess()
    {
        await FailAsOthersAsync(19, "b");
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("alice", OrgKeysApp.Password)).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync($"someone-{i}", Wrong)).StatusCode);
        }
    }

    [Fact]
    public async Task AddressCounts_Decay()
    {
        await FailAsOthersAsync(20, "c");
        _app.Time.Advance(TimeSpan.FromMinutes(20));
        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync($"later-{i}", Wrong)).StatusCode);
        }
    }

    [Fact]
    public async Task UsernameAndEmail_ShareOneAllowance()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("alice", Wrong)).StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("Alice@Example.com", Wrong)).StatusCode);
        }

        var throttled = await LoginAsync("alice@example.com", OrgKeysApp.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("1", throttled.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task ChangePassword_IsThrottledLikeSignIn()
    {
        using var alice = _app.ClientWithJwt(await _app.LoginAsync("alice"));
        for (var i = 0; i < 5; i++)
        {
            var wrong = await alice.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = Wrong, newPassword = "a brand new password, long" });
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        var throttled = await alice.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = OrgKeysApp.Password, newPassword = "a brand new password, long" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("1", throttled.Headers.RetryAfter?.ToString());
        Assert.Contains("Too many failed", await throttled.ReadErrorAsync(), StringComparison.Ordinal);

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        var changed = await alice.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = OrgKeysApp.Password, newPassword = "a brand new password, long" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }
}
