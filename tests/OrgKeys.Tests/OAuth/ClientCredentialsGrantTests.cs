using System.Net;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>
/// A client-credentials grant reads its client once (the entity OpenIddict loaded to check the secret) and
/// writes its token entry; a client of a deleted organization does not exist for any flow.
/// </summary>
public sealed class ClientCredentialsGrantTests
{
    [Fact]
    public async Task Grant_ReadsTheClientOnce_AndWritesOneTokenEntry()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");
        await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!);

        var before = app.Commands.Count;
        await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!);

        // One SELECT of the client, one INSERT of the token entry: nothing else touches the database.
        Assert.Equal(2, app.Commands.Count - before);
    }

    [Fact]
    public async Task OrganizationDeleted_ItsClientIsRefused_AtOnce()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials", "password");
        await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/v1/api/organizations/{org}")).StatusCode);

        foreach (var form in new[]
        {
            new[] { ("grant_type", "client_credentials"), ("scope", "organizations:read") },
            new[] { ("grant_type", "password"), ("username", "alice"), ("password", OrgKeysApp.Password) },
        })
        {
            var response = await OAuthTestHost.TokenAsync(app, [.. form, ("client_id", clientId), ("client_secret", secret!)]);
            var body = await response.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task OtherOrganization_StillGrants_AfterOneIsDeleted()
    {
        await using var app = OAuthTestHost.Create();
        var (_, alice, _, aliceOrg) = await OAuthTestHost.AdminAsync(app);
        var (_, _, _, bobOrg) = await OAuthTestHost.AdminAsync(app, "bob");
        var (_, aliceClient, aliceSecret) = await OAuthTestHost.RegisterConfidentialAsync(alice, aliceOrg, "client_credentials");
        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync($"/v1/api/organizations/{aliceOrg}")).StatusCode);

        var bob = app.ClientWithJwt(await app.LoginAsync("bob"));
        var (_, bobClient, bobSecret) = await OAuthTestHost.RegisterConfidentialAsync(bob, bobOrg, "client_credentials");
        Assert.NotEmpty(await OAuthTestHost.ClientCredentialsTokenAsync(app, bobClient, bobSecret!));
        Assert.False((await OAuthTestHost.TokenAsync(app, ("grant_type", "client_credentials"), ("client_id", aliceClient),
            ("client_secret", aliceSecret!))).IsSuccessStatusCode);
    }
}
