using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.WhiteLabels;

namespace OrgKeys.Tests.OAuth;

/// <summary>A host whose OAuth endpoints take plain HTTP, shared by a class.</summary>
public sealed class OAuthSharedApp() : SharedApp(OAuthTestHost.Create());

/// <summary>
/// OAuth clients belong to their organization: no one outside it (another organization's admin, a white label
/// admin of another tenant, a token of another organization's client) can see or touch one, and no credential
/// that ends (a key with a ttl, a white label key, a token) can register a client or mint it a new secret.
/// </summary>
public sealed class ClientTenancyTests(OAuthSharedApp shared) : WhiteLabelFixture(shared), IClassFixture<OAuthSharedApp>
{
    private const string Registration = """{"name":"Robot","redirectUris":["https://a.example/cb"],"allowedGrantTypes":["client_credentials","authorization_code"],"scopes":["organizations:read","oauth-clients:write"]}""";

    [Fact]
    public async Task OutsidersGet404_OnAllSixEndpoints_AndNothingChanges()
    {
        var (id, _, _) = await RegisterAsync(Alice, AdminOrg);
        var (innerId, _, _) = await RegisterAsync(Ivan, Inner);
        var (olgaClient, olgaClientId, olgaSecret) = await RegisterAsync(Olga, Ordinary);
        var (_, olgaKey) = await OrgKeysApp.CreateKeyAsync(Olga, Ordinary, "admin");
        using var olgaByKey = App.ClientWithKey(olgaKey);
        var (_, wendyKey) = await MintAsync(Wendy, OtherInner, adminOrg: OtherAdminOrg);
        using var wendyWhiteLabelKey = App.ClientWithKey(wendyKey);
        var token = await OAuthTestHost.ClientCredentialsTokenAsync(App, olgaClientId, olgaSecret!, "organizations:read oauth-clients:write");
        using var olgaToken = OAuthTestHost.Bearer(App, token);

        // The token works in its own organization, so the 404s below are about the tenant, not the token.
        Assert.Equal(HttpStatusCode.OK, (await olgaToken.GetAsync($"/v1/api/organizations/{Ordinary}/oauth-clients/{olgaClient}")).StatusCode);

        var before = await SnapshotAsync();
        foreach (var (who, client) in new[] { ("olga", Olga), ("olga's key", olgaByKey), ("olga's token", olgaToken), ("wendy", Wendy) })
        {
            await AssertAllSixAsync(who, client, AdminOrg, id, HttpStatusCode.NotFound);
            await AssertAllSixAsync(who, client, Inner, innerId, HttpStatusCode.NotFound);
        }

        await AssertAllSixAsync("wendy's white label key", wendyWhiteLabelKey, Inner, innerId, HttpStatusCode.NotFound);
        // A client id of another organization under one's own organization is not found either.
        await AssertAllSixAsync("olga, own organization", Olga, Ordinary, id, HttpStatusCode.NotFound, includeCollection: false);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AMembersKey_IsRefused403_AsOnTheRestOfTheAdminApi()
    {
        var (id, _, _) = await RegisterAsync(Alice, AdminOrg);
        var (_, memberKey) = await OrgKeysApp.CreateKeyAsync(Alice, AdminOrg, "member");
        using var member = App.ClientWithKey(memberKey);
        var before = await SnapshotAsync();

        await AssertAllSixAsync("member key", member, AdminOrg, id, HttpStatusCode.Forbidden);
        await AssertAllSixAsync("mike, a member", Mike, AdminOrg, id, HttpStatusCode.Forbidden);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AnExpiringKey_CannotRegisterAClient_OrRotateASecret_ButADurableKeyCan()
    {
        var (id, _, _) = await RegisterAsync(Alice, AdminOrg);
        var (_, temporary) = await OrgKeysApp.CreateKeyAsync(Alice, AdminOrg, "admin", ttl: 3600);
        using var client = App.ClientWithKey(temporary);
        var before = await SnapshotAsync();

        var create = await client.PostAsync($"/v1/api/organizations/{AdminOrg}/oauth-clients", Json(Registration));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Contains("expires", await create.ReadErrorAsync(), StringComparison.Ordinal);
        var rotate = await client.PostAsync($"/v1/api/organizations/{AdminOrg}/oauth-clients/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.Forbidden, rotate.StatusCode);
        Assert.Contains("outlive", await rotate.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        // Reading does not outlive anything.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{AdminOrg}/oauth-clients/{id}")).StatusCode);

        using var durable = App.ClientWithKey(AdminOrgKey);
        Assert.Equal(HttpStatusCode.OK, (await durable.PostAsync($"/v1/api/organizations/{AdminOrg}/oauth-clients", Json(Registration))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await durable.PostAsync($"/v1/api/organizations/{AdminOrg}/oauth-clients/{id}/rotate-secret", null)).StatusCode);
    }

    [Fact]
    public async Task AWhiteLabelKey_OrAToken_CannotRegisterAClient_OrRotateASecret()
    {
        var (id, clientId, secret) = await RegisterAsync(Ivan, Inner);
        var (_, whiteLabelKey) = await MintAsync(Alice, Inner);
        using var byWhiteLabel = App.ClientWithKey(whiteLabelKey);
        using var byToken = OAuthTestHost.Bearer(App, await OAuthTestHost.ClientCredentialsTokenAsync(App, clientId, secret!, "oauth-clients:write"));
        var before = await SnapshotAsync();

        foreach (var (who, client, says) in new[] { ("white label key", byWhiteLabel, "white label key is temporary"), ("token", byToken, "expires") })
        {
            var create = await client.PostAsync($"/v1/api/organizations/{Inner}/oauth-clients", Json(Registration));
            Assert.True(create.StatusCode == HttpStatusCode.Forbidden, who);
            Assert.Contains(says, await create.ReadErrorAsync(), StringComparison.Ordinal);
            var rotate = await client.PostAsync($"/v1/api/organizations/{Inner}/oauth-clients/{id}/rotate-secret", null);
            Assert.True(rotate.StatusCode == HttpStatusCode.Forbidden, who);
            Assert.Contains(says, await rotate.ReadErrorAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    private static Task<(int Id, string ClientId, string? Secret)> RegisterAsync(HttpClient admin, int organization) =>
        OAuthTestHost.RegisterAsync(admin, organization, System.Text.Json.JsonDocument.Parse(Registration).RootElement);

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task AssertAllSixAsync(string who, HttpClient client, int organization, int id, HttpStatusCode expected, bool includeCollection = true)
    {
        var clients = $"/v1/api/organizations/{organization}/oauth-clients";
        var calls = new List<(string, Func<Task<HttpResponseMessage>>)>
        {
            ("get", () => client.GetAsync($"{clients}/{id}")),
            ("update", () => client.PostAsync($"{clients}/{id}", Json("""{"name":"Taken"}"""))),
            ("rotate", () => client.PostAsync($"{clients}/{id}/rotate-secret", null)),
            ("delete", () => client.DeleteAsync($"{clients}/{id}")),
        };
        if (includeCollection)
        {
            calls.Add(("list", () => client.GetAsync(clients)));
            calls.Add(("create", () => client.PostAsync(clients, Json(Registration))));
        }

        foreach (var (name, call) in calls)
        {
            var response = await call();
            Assert.True(response.StatusCode == expected, $"{who} {name} {organization}/{id}: {(int)response.StatusCode}");
            var body = await response.ReadJsonAsync();
            Assert.False(body.GetProperty("success").GetBoolean());
            if (expected == HttpStatusCode.NotFound)
            {
                Assert.DoesNotContain("Robot", body.ToString(), StringComparison.Ordinal);
            }
        }
    }

    private Task<string> SnapshotAsync() => App.WithDbAsync(async db =>
    {
        var rows = await db.OAuthApplications.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        return string.Join('\n', rows.Select(a => string.Join('|', a.Id, a.OrganizationId, a.DisplayName, a.ClientSecret, a.RedirectUris, a.Permissions)))
            + "\naudit:" + await db.AuditEntries.CountAsync();
    });
}
