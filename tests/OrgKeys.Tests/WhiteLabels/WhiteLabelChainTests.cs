using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.WhiteLabels;

/// <summary>A temporary white label key cannot turn itself into lasting access, and what it mints dies with it.</summary>
public class WhiteLabelChainTests : WhiteLabelFixture
{
    private async Task<HttpStatusCode> StatusWithKeyAsync(string key, string path)
    {
        using var client = App.ClientWithKey(key);
        return (await client.GetAsync(path)).StatusCode;
    }

    [Fact]
    public async Task SixtySecondAdminKey_CannotAddAMember_DemoteTheAdmin_OrMintANeverExpiringKey()
    {
        var (_, key) = await MintAsync(Alice, Inner);
        await App.CreateUserAsync("mallory");
        using var client = App.ClientWithKey(key);

        var add = await OrgKeysApp.AddMemberAsync(client, Inner, "mallory", "admin");
        Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Contains("white label key is temporary", await add.ReadErrorAsync(), StringComparison.Ordinal);
        var demote = await client.PostAsJsonAsync($"/v1/api/organizations/{Inner}/members/{IvanId}/role", new { role = "guest" });
        Assert.Equal(HttpStatusCode.Forbidden, demote.StatusCode);
        Assert.Contains("outlive", await demote.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await App.WithDbAsync(db => db.Members.CountAsync(m => m.OrganizationId == Inner)));

        var (childId, child) = await OrgKeysApp.CreateKeyAsync(client, Inner, "admin");
        var expires = await App.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == childId).Select(k => k.ExpiresAt).SingleAsync());
        Assert.NotNull(expires);
        Assert.True(expires <= App.Time.GetUtcNow().UtcDateTime.AddSeconds(60));
        App.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(child, $"/v1/api/organizations/{Inner}"));
    }

    [Fact]
    public async Task KeyMintedByAWhiteLabelKey_StopsWhenItIsRevoked_AlsoWhenCached()
    {
        var (id, key) = await MintAsync(Alice, Inner, new { name = "hour", role = "admin", ttl = 3600 });
        using var client = App.ClientWithKey(key);
        var (_, child) = await OrgKeysApp.CreateKeyAsync(client, Inner, "member");
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(child, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.NoContent, await StatusWithKeyAsync(child, "/v1/auth/check"));

        (await Alice.DeleteAsync($"{InnerPath(Inner)}/apiKeys/{id}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(child, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(child, "/v1/auth/check"));
    }

    [Fact]
    public async Task MintWhileRevokingAWhiteLabelKey_TenAtOnce_NoneSurvive()
    {
        var (id, key) = await MintAsync(Alice, Inner, new { name = "hour", role = "admin", ttl = 3600 });
        using var client = App.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        var mints = Enumerable.Range(0, 10)
            .Select(i => client.PostAsJsonAsync($"/v1/api/organizations/{Inner}/apikeys", new { name = $"child {i}", role = "member" }))
            .ToList();
        var revoke = Alice.DeleteAsync($"{InnerPath(Inner)}/apiKeys/{id}");
        await Task.WhenAll(mints.Append(revoke));
        (await revoke).EnsureSuccessStatusCode();

        foreach (var mint in mints)
        {
            var response = await mint;
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"{response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var child = (await response.ReadJsonAsync()).GetProperty("apiKey").GetString()!;
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(child, "/v1/auth/check"));
            }
        }

        Assert.Equal(0, await App.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.CreatedByApiKeyId == id && k.RevokedAt == null)));
    }
}
