using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ApiKeys;

/// <summary>Nothing a credential makes outlives it: a key dies with any key it descends from, and with its creator's role.</summary>
public class CredentialChainTests : IAsyncLifetime
{
    private const string Check = "/v1/auth/check";
    private readonly OrgKeysApp _app = new();
    private HttpClient _alice = null!;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        (_, _alice) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_alice);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task AssertWorksAsync(string key, bool works)
    {
        using var client = _app.ClientWithKey(key);
        Assert.Equal(works ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
        Assert.Equal(works ? HttpStatusCode.NoContent : HttpStatusCode.Unauthorized, (await client.GetAsync(Check)).StatusCode);
    }

    [Fact]
    public async Task KeyMintedByAKey_StopsWhenItsParentIsRevoked_AlsoWhenCached()
    {
        using var admin = _app.ClientWithKey(_adminKey);
        var (parentId, parent) = await OrgKeysApp.CreateKeyAsync(admin, _org, "admin", name: "parent");
        using var parentClient = _app.ClientWithKey(parent);
        var (childId, child) = await OrgKeysApp.CreateKeyAsync(parentClient, _org, "admin", name: "child");
        using var childClient = _app.ClientWithKey(child);
        var (_, grandchild) = await OrgKeysApp.CreateKeyAsync(childClient, _org, "member", name: "grandchild");
        foreach (var key in new[] { parent, child, grandchild })
        {
            await AssertWorksAsync(key, works: true); // now cached
        }

        var listed = (await (await _alice.GetAsync($"/v1/api/organizations/{_org}/apikeys")).ReadJsonAsync()).GetProperty("apiKeys")
            .EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == childId);
        Assert.Equal(parentId, listed.GetProperty("createdByApiKey").GetProperty("id").GetInt32());
        Assert.Equal("parent", listed.GetProperty("createdByApiKey").GetProperty("name").GetString());

        (await _alice.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{parentId}")).EnsureSuccessStatusCode();
        foreach (var key in new[] { parent, child, grandchild })
        {
            await AssertWorksAsync(key, works: false);
        }

        await AssertWorksAsync(_adminKey, works: true);
        Assert.Equal(HttpStatusCode.Unauthorized, (await childClient.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = "late", role = "member" })).StatusCode);
    }

    [Fact]
    public async Task RemovedMembersKeys_StopWorkingAndMinting_WithTheirDescendants()
    {
        var (bobId, bob) = await _app.SignedInUserAsync("bob");
        (await _app.JoinAsync(_alice, _org, "bob", "admin")).EnsureSuccessStatusCode();
        var (_, bobsKey) = await OrgKeysApp.CreateKeyAsync(bob, _org, "member");
        using var bobsKeyClient = _app.ClientWithKey(bobsKey);
        var (_, child) = await OrgKeysApp.CreateKeyAsync(bobsKeyClient, _org, "member");
        await AssertWorksAsync(bobsKey, works: true);
        await AssertWorksAsync(child, works: true);

        (await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = bobId })).EnsureSuccessStatusCode();
        await AssertWorksAsync(bobsKey, works: false);
        await AssertWorksAsync(child, works: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bobsKeyClient.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = "late", role = "member" })).StatusCode);
    }

    [Fact]
    public async Task DemotedMember_LosesTheKeysTheNewRoleNoLongerAllows_AndKeepsTheOthers()
    {
        var (bobId, bob) = await _app.SignedInUserAsync("bob");
        (await _app.JoinAsync(_alice, _org, "bob", "admin")).EnsureSuccessStatusCode();
        var (_, adminKey) = await OrgKeysApp.CreateKeyAsync(bob, _org, "admin");
        var (_, memberKey) = await OrgKeysApp.CreateKeyAsync(bob, _org, "member");
        await AssertWorksAsync(adminKey, works: true);

        (await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = "member" })).EnsureSuccessStatusCode();
        await AssertWorksAsync(adminKey, works: false);
        await AssertWorksAsync(memberKey, works: true);

        (await _alice.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = "guest" })).EnsureSuccessStatusCode();
        await AssertWorksAsync(memberKey, works: false);
    }

    [Fact]
    public async Task ExpiringKey_CannotAddMembersOrChangeRoles_ButADurableOneCan()
    {
        var (bobId, _) = await _app.SignedInUserAsync("bob");
        await _app.CreateUserAsync("carol");
        (await _app.JoinAsync(_alice, _org, "bob", "member")).EnsureSuccessStatusCode();
        var (_, temporary) = await OrgKeysApp.CreateKeyAsync(_alice, _org, "admin", ttl: 3600);
        using var client = _app.ClientWithKey(temporary);

        var add = await OrgKeysApp.AddMemberAsync(client, _org, "carol", "admin");
        Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Contains("expires", await add.ReadErrorAsync(), StringComparison.Ordinal);
        var raise = await client.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, raise.StatusCode);
        Assert.Contains("outlive", await raise.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await _app.WithDbAsync(db => db.Members.CountAsync(m => m.OrganizationId == _org)));

        using var durable = _app.ClientWithKey(_adminKey);
        (await _app.JoinAsync(durable, _org, "carol", "member")).EnsureSuccessStatusCode();
        (await durable.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = "admin" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task MintWhileRevoking_TenAtOnce_NoneSurvive()
    {
        for (var round = 0; round < 3; round++)
        {
            var (parentId, parent) = await OrgKeysApp.CreateKeyAsync(_alice, _org, "admin", name: $"parent {round}");
            using var parentClient = _app.ClientWithKey(parent);
            await AssertWorksAsync(parent, works: true);
            var mints = Enumerable.Range(0, 10)
                .Select(i => parentClient.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = $"child {i}", role = "member" }))
                .ToList();
            var revoke = _alice.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{parentId}");
            await Task.WhenAll(mints.Append(revoke));
            (await revoke).EnsureSuccessStatusCode();

            foreach (var mint in mints)
            {
                var response = await mint;
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"{response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await AssertWorksAsync((await response.ReadJsonAsync()).GetProperty("apiKey").GetString()!, works: false);
                }
            }

            Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.CreatedByApiKeyId == parentId && k.RevokedAt == null)));
        }
    }
}
