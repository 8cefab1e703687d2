using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrgKeys.Authentication;
using OrgKeys.Secrets;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Auth;

public class JwtTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private const string InvalidToken = "Invalid JWT token.";
    private readonly OrgKeysApp _app = shared.App;
    private int _alice;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _alice = await _app.CreateUserAsync("alice");
        _token = await _app.LoginAsync("alice");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> GetUserAsync(string token)
    {
        using var client = _app.ClientWithJwt(token);
        return await client.GetAsync("/v1/api/user");
    }

    private async Task AssertRefusedAsync(string token, string message)
    {
        var response = await GetUserAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(message, await response.ReadErrorAsync());
    }

    private byte[] ServerSigningKey => _app.Services.GetRequiredService<ServerKeyStore>().JwtSigningKey;

    /// <summary>A token like the server's own, with one thing changed by the caller.</summary>
    private string Forge(byte[] key, string issuer = SessionTokens.Issuer, string audience = SessionTokens.Audience,
        int? userId = null)
    {
        var now = _app.Time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = (userId ?? _alice).ToString(CultureInfo.InvariantCulture),
                ["sv"] = 0,
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string Segment(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static JsonObject Payload(string token) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    [Fact]
    public async Task ForgedToken_WithTheServerKeyAndRightClaims_IsAccepted()
    {
        // The control for the forgeries below: each differs from this one in one respect only.
        Assert.Equal(HttpStatusCode.OK, (await GetUserAsync(Forge(ServerSigningKey))).StatusCode);
    }

    [Fact]
    public async Task TamperedPayload_IsRefused()
    {
        var bob = await _app.CreateUserAsync("bob");
        var parts = _token.Split('.');
        var payload = Payload(_token);
        payload["sub"] = bob.ToString(CultureInfo.InvariantCulture);
        await AssertRefusedAsync($"{parts[0]}.{Segment(payload)}.{parts[2]}", InvalidToken);
    }

    [Fact]
    public async Task AlgNone_IsRefused()
    {
        var header = Segment(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = Segment(Payload(_token));
        await AssertRefusedAsync($"{header}.{payload}.", InvalidToken);
        await AssertRefusedAsync($"{header}.{payload}", InvalidToken);
    }

    [Fact]
    public async Task TokenSignedWithAForeignKey_IsRefused() =>
        await AssertRefusedAsync(Forge(RandomNumberGenerator.GetBytes(32)), InvalidToken);

    [Fact]
    public async Task WrongIssuer_IsRefused() =>
        await AssertRefusedAsync(Forge(ServerSigningKey, issuer: "SomeoneElse"), InvalidToken);

    [Fact]
    public async Task WrongAudience_IsRefused() =>
        await AssertRefusedAsync(Forge(ServerSigningKey, audience: "another-api"), InvalidToken);

    [Fact]
    public async Task TokenForAUserThatDoesNotExist_IsRefused() =>
        await AssertRefusedAsync(Forge(ServerSigningKey, userId: 999_999), "Your session has ended. Log in again.");

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task Garbage_IsRefused(string token) => await AssertRefusedAsync(token, InvalidToken);

    [Fact]
    public async Task OversizedToken_IsRefused_Not500() =>
        await AssertRefusedAsync(_token + new string('A', 5000), InvalidToken);

    [Fact]
    public async Task Token_WorksUntilThirtyDays_ThenIsRefusedAsExpired()
    {
        _app.Time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await GetUserAsync(_token)).StatusCode);

        _app.Time.Advance(TimeSpan.FromMinutes(2));
        var response = await GetUserAsync(_token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidToken_InTheJwtCookie_Works()
    {
        using var client = _app.ClientWithJwtCookie(_token);
        var response = await client.GetAsync("/v1/api/user");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_alice, (await response.ReadJsonAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task ValidToken_InTheHeader_Works()
    {
        var response = await GetUserAsync(_token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_alice, (await response.ReadJsonAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task TamperedToken_InTheJwtCookie_IsRefused()
    {
        using var client = _app.ClientWithJwtCookie(Forge(RandomNumberGenerator.GetBytes(32)));
        var response = await client.GetAsync("/v1/api/user");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(InvalidToken, await response.ReadErrorAsync());
    }

    [Fact]
    public async Task DisabledUser_TokenIsRefused()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetUserAsync(_token)).StatusCode);
        // Through the service, as the CLI does: it also tells every node's cache.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<OrgKeys.Users.UserService>().SetDisabledAsync("alice", true, CancellationToken.None));
        }

        await AssertRefusedAsync(_token, "Your session has ended. Log in again.");
    }

    [Fact]
    public async Task SessionVersionBump_RefusesOlderTokens_ButNotNewOnes()
    {
        await _app.WithDbAsync(db => db.Users.Where(u => u.Id == _alice)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SessionVersion, u => u.SessionVersion + 1)));
        await AssertRefusedAsync(_token, "Your session has ended. Log in again.");

        var fresh = await _app.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.OK, (await GetUserAsync(fresh)).StatusCode);
    }
}
