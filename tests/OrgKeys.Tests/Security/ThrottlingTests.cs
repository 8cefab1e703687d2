using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Security;

/// <summary>Guessing passwords and flooding invalid credentials are slowed down and refused, the same way for every account.</summary>
public class ThrottlingTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new(new() { ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = "10" }) { RealPasswordHashing = true };
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        await _app.CreateUserAsync("alice");
        _anonymous = _app.CreateClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        _anonymous.PostAsJsonAsync("/v1/api-login", new { username, password });

    [Theory]
    [InlineData("alice")]
    [InlineData("nobody")]
    public async Task AfterFiveFailures_EachAttemptWaits_TwiceAsLongEachTime_ForRealAndUnknownUsersAlike(string username)
    {
        for (var i = 0; i < 5; i++)
        {
            var failed = await LoginAsync(username, "wrong password, long enough");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            Assert.Equal("Invalid username, e-mail or password.", await failed.ReadErrorAsync());
        }

        var throttled = await LoginAsync(username, OrgKeysApp.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("1", throttled.Headers.RetryAfter?.ToString());
        Assert.Contains("Too many failed sign-in attempts", await throttled.ReadErrorAsync(), StringComparison.Ordinal);

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(username, "wrong password, long enough")).StatusCode);
        var longer = await LoginAsync(username, "wrong password, long enough");
        Assert.Equal(HttpStatusCode.TooManyRequests, longer.StatusCode);
        Assert.Equal("2", longer.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task ASuccess_EndsTheRunOfFailures()
    {
        for (var i = 0; i < 4; i++)
        {
            await LoginAsync("alice", "wrong password, long enough");
        }

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("ALICE", OrgKeysApp.Password)).StatusCode);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("alice", "wrong password, long enough")).StatusCode);
        }
    }

    [Fact]
    public async Task AccountIsLocked_AfterAHundredConsecutiveFailures_EvenForTheRightPassword()
    {
        for (var i = 0; i < 100; i++)
        {
            _app.Time.Advance(TimeSpan.FromMinutes(16));
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("alice", "wrong password, long enough")).StatusCode);
        }

        _app.Time.Advance(TimeSpan.FromMinutes(16));
        var locked = await LoginAsync("alice", OrgKeysApp.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);

        _app.Time.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("alice", OrgKeysApp.Password)).StatusCode);
    }

    [Fact]
    public async Task FloodOfInvalidKeys_Gets429_BeforeAnyLookup_UntilTheWindowEnds()
    {
        var (_, alice) = await _app.SignedInUserAsync("bob");
        var (org, key) = await OrgKeysApp.CreateOrganizationAsync(alice);
        var madeUp = "ei_" + new string('0', 56) + "00000000";
        using var attacker = _app.ClientWithKey("ei_a-well-formed-custom-key-that-is-unknown");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }

        var before = _app.Commands.Count;
        using var flood = _app.ClientWithKey(madeUp);
        var refused = await flood.GetAsync($"/v1/api/organizations/{org}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta); // the whole window: the clock has not moved
        Assert.NotEmpty(await refused.ReadErrorAsync());
        // Even a valid key from that address waits; requests without credentials are untouched.
        using var valid = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await valid.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        Assert.Equal(before, _app.Commands.Count);
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/v1/api-health")).StatusCode);

        _app.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
    }
}
