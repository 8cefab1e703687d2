using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using OrgKeys.OAuth;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>
/// GHSA-cxgj-hwwh-855g: on OpenIddict 7.8.0 a token whose authorization was revoked kept working unless token
/// entry validation was on too. Every way of ending a grant must stop its Bearer token at once.
/// </summary>
public sealed class RevocationTests
{
    [Fact]
    public async Task ResolvedValidationOptions_CheckTokenAndAuthorizationEntries()
    {
        await using var app = OAuthTestHost.Create();
        _ = app.CreateClient();
        var options = app.Services.GetRequiredService<IOptionsMonitor<OpenIddictValidationOptions>>().CurrentValue;
        Assert.True(options.EnableTokenEntryValidation);
        Assert.True(options.EnableAuthorizationEntryValidation);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void StartupCheck_RefusesEitherValidationOff(bool tokenEntries, bool authorizationEntries) =>
        Assert.Throws<InvalidOperationException>(() => OAuthServerSetup.EnsureRevocationIsChecked(
            new OpenIddictValidationOptions { EnableTokenEntryValidation = tokenEntries, EnableAuthorizationEntryValidation = authorizationEntries }));

    [Fact]
    public async Task RevokedAuthorization_StopsItsAccessToken()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "password");
        var token = (await OAuthTestHost.PasswordTokensAsync(app, clientId, secret!, "alice", "user:read")).GetProperty("access_token").GetString()!;
        using var bearer = OAuthTestHost.Bearer(app, token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            await foreach (var authorization in authorizations.FindBySubjectAsync("1"))
            {
                Assert.True(await authorizations.TryRevokeAsync(authorization));
            }
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/api/user")).StatusCode);
    }

    [Fact]
    public async Task DeletedClient_StopsItsTokens()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (id, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "password", "client_credentials");
        var userToken = (await OAuthTestHost.PasswordTokensAsync(app, clientId, secret!, "alice", "user:read")).GetProperty("access_token").GetString()!;
        var clientToken = await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!);
        using var user = OAuthTestHost.Bearer(app, userToken);
        using var client = OAuthTestHost.Bearer(app, clientToken);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/v1/api/user")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{org}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/v1/api/organizations/{org}/oauth-clients/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/v1/api/user")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
    }

    [Theory]
    [InlineData("logout")]
    [InlineData("password")]
    [InlineData("disable")]
    public async Task EndedUserSession_StopsTheUsersTokens(string how)
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "password");
        var token = (await OAuthTestHost.PasswordTokensAsync(app, clientId, secret!, "alice", "user:read")).GetProperty("access_token").GetString()!;
        using var bearer = OAuthTestHost.Bearer(app, token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);

        switch (how)
        {
            case "logout":
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v1/api-logout", null)).StatusCode);
                break;
            case "password":
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/v1/api/user/change-password",
                    new { currentPassword = OrgKeysApp.Password, newPassword = "another long enough password" })).StatusCode);
                break;
            default:
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    Assert.True(await scope.ServiceProvider.GetRequiredService<OrgKeys.Users.UserService>().SetDisabledAsync("alice", true, CancellationToken.None));
                }

                break;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/v1/api/user")).StatusCode);
    }

    [Fact]
    public async Task RevokedAtRevocationEndpoint_IsRefusedAtOnce()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");
        var token = await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!);
        using var bearer = OAuthTestHost.Bearer(app, token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/v1/api/organizations/{org}")).StatusCode);

        using var http = app.CreateClient();
        var revoke = await http.PostAsync("/v1/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = clientId,
            ["client_secret"] = secret!,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
    }
}
