using System.Net;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary>Who may revoke a key: admins any key of their organization, others only the keys they created.</summary>
public class RevokeApiKeyTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private HttpClient _bob = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
        (_, _bob) = await _app.SignedInUserAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "bob", "member")).StatusCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> RevokeAsync(HttpClient client, int keyId, int? org = null) =>
        client.DeleteAsync($"/v1/api/organizations/{org ?? _org}/apikeys/{keyId}");

    private async Task<HttpStatusCode> UseAsync(string key)
    {
        using var client = _app.ClientWithKey(key);
        return (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode;
    }

    private async Task<HttpClient> MemberAsync(string username)
    {
        var (_, client) = await _app.SignedInUserAsync(username);
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, username, "member")).StatusCode);
        return client;
    }

    [Fact]
    public async Task Admin_RevokesAKeySomeoneElseCreated()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_bob, _org);
        var response = await RevokeAsync(_admin, id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("success").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task AdminKey_RevokesAnyKeyOfItsOrganization()
    {
        var (_, adminKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "admin");
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_bob, _org);
        using var withAdminKey = _app.ClientWithKey(adminKey);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(withAdminKey, id)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task Member_RevokesAKeyTheyCreated()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_bob, _org);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(_bob, id)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(key));
    }

    [Fact]
    public async Task AnotherMember_Gets403_AndTheKeyKeepsWorking()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_bob, _org);
        var carol = await MemberAsync("carol");
        var response = await RevokeAsync(carol, id);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task Member_CannotRevokeAKeyAnAdminCreated()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.Forbidden, (await RevokeAsync(_bob, id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task MemberKey_RevokesTheKeysItMinted_ButNotOthers()
    {
        var (_, memberKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        using var withMemberKey = _app.ClientWithKey(memberKey);
        var (minted, _) = await OrgKeysApp.CreateKeyAsync(withMemberKey, _org);
        var (other, otherKey) = await OrgKeysApp.CreateKeyAsync(_admin, _org);

        Assert.Equal(HttpStatusCode.Forbidden, (await RevokeAsync(withMemberKey, other)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(otherKey));
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(withMemberKey, minted)).StatusCode);
    }

    [Fact]
    public async Task Guest_CannotListOrRevokeKeys()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (_, guest) = await _app.SignedInUserAsync("gina");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_admin, _org, "gina", "guest")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await guest.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RevokeAsync(guest, id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task KeyOfAnotherOrganization_Gets404_AndTheKeyKeepsWorking()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (_, dave) = await _app.SignedInUserAsync("dave");
        var (_, otherOrgKey) = await OrgKeysApp.CreateOrganizationAsync(dave, "Other");
        using var withOtherKey = _app.ClientWithKey(otherOrgKey);

        var response = await RevokeAsync(withOtherKey, id);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task AdminOfAnotherOrganization_ThroughTheirOwnOrganization_Gets404_AndTheKeyKeepsWorking()
    {
        var (id, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        var (_, dave) = await _app.SignedInUserAsync("dave");
        var (otherOrg, otherOrgKey) = await OrgKeysApp.CreateOrganizationAsync(dave, "Other");
        using var withOtherKey = _app.ClientWithKey(otherOrgKey);

        Assert.Equal(HttpStatusCode.NotFound, (await RevokeAsync(dave, id, otherOrg)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RevokeAsync(withOtherKey, id, otherOrg)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(key));
    }

    [Fact]
    public async Task UnknownOrAlreadyRevokedKey_Is404()
    {
        var (id, _) = await OrgKeysApp.CreateKeyAsync(_admin, _org);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(_admin, id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RevokeAsync(_admin, id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RevokeAsync(_admin, 999_999)).StatusCode);
    }
}
