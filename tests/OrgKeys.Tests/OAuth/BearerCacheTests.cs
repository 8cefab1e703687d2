using System.Net;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>
/// A Bearer token seen once is judged from memory after that (token entry validation would otherwise cost
/// SQL on every request), and every way of ending it still stops it at once: the revocation tests run
/// their tokens through the cache first.
/// </summary>
public sealed class BearerCacheTests
{
    private const string Check = "/v1/auth/check";

    [Fact]
    public async Task RepeatedBearerChecks_SendNoSql_ForClientAndUserTokens()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "password", "client_credentials");
        using var client = OAuthTestHost.Bearer(app, await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!));
        using var user = OAuthTestHost.Bearer(app,
            (await OAuthTestHost.PasswordTokensAsync(app, clientId, secret!, "alice", "user:read")).GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(Check)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.GetAsync(Check)).StatusCode);

        var before = app.Commands.Count;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(Check)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await user.GetAsync(Check)).StatusCode);
        }

        Assert.Equal(before, app.Commands.Count);
    }

    [Fact]
    public async Task ACachedToken_ThatWasTampered_IsStillRefused()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");
        var token = await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!);
        using var good = OAuthTestHost.Bearer(app, token);
        Assert.Equal(HttpStatusCode.NoContent, (await good.GetAsync(Check)).StatusCode);

        // One character changed, or the token with something after it: a different header, a different digest.
        var last = token[^1] == 'A' ? 'B' : 'A';
        foreach (var forged in new[] { token[..^1] + last, token + "A", token + " " + token })
        {
            using var bad = OAuthTestHost.Bearer(app, forged);
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync(Check)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await good.GetAsync(Check)).StatusCode);
    }
}
