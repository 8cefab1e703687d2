using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.WhiteLabels;

/// <summary><c>whitelabelAdminAddOrganizationApiKey</c> and the keys it mints: time, visibility, reach, attribution.</summary>
public class WhiteLabelKeyTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    private Task<HttpStatusCode> StatusWithKeyAsync(string key, string path) => StatusAsync(App.ClientWithKey(key), path);

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using (client)
        {
            return (await client.GetAsync(path)).StatusCode;
        }
    }

    [Fact]
    public async Task DefaultTtl_IsOneMinute_ToTheSecond()
    {
        var (_, key) = await MintAsync(Alice, Inner);
        App.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        App.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
    }

    [Fact]
    public async Task ExplicitTtl_IsHonoured_ToTheSecond()
    {
        var (_, key) = await MintAsync(Alice, Inner, new { name = "hour", role = "member", ttl = 3600 });
        App.Time.Advance(TimeSpan.FromSeconds(3599));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        App.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
    }

    [Fact]
    public async Task TtlAboveADay_Is400_AndCreatesNothing()
    {
        var before = await App.WithDbAsync(db => db.ApiKeys.CountAsync());
        var response = await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "long", role = "admin", ttl = 86_401 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ttl", await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await App.WithDbAsync(db => db.ApiKeys.CountAsync()));
        await MintAsync(Alice, Inner, new { name = "day", role = "admin", ttl = 86_400 });
    }

    [Theory]
    [InlineData("""{"role":"admin"}""", "name")]
    [InlineData("""{"name":"  ","role":"admin"}""", "name")]
    [InlineData("""{"name":"k","role":"owner"}""", "role")]
    [InlineData("""{"name":"k"}""", "role")]
    [InlineData("""{"name":"k","role":"admin","ttl":0}""", "ttl")]
    [InlineData("""{"name":"k","role":"admin","ttl":"60"}""", "ttl")]
    [InlineData("""{"name":"k","role":"admin","ttl":1.5}""", "ttl")]
    [InlineData("""{"name":"k","role":"admin","apiKey":"not-ei-prefixed-key-0123456789abcdef"}""", "apiKey")]
    [InlineData("""{"name":"k","role":"admin","apiKey":"ei_short"}""", "apiKey")]
    [InlineData("""{"name":"k","role":"admin",""", "")]
    [InlineData("", "")]
    public async Task BadBody_Is400_AndCreatesNothing(string body, string field)
    {
        var before = await App.WithDbAsync(db => db.ApiKeys.CountAsync());
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await Alice.PostAsync($"{InnerPath(Inner)}/apiKeys", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await App.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [Fact]
    public async Task CustomKeyInUse_Is409()
    {
        const string custom = "ei_white-label-custom-key-0123456789";
        await MintAsync(Alice, Inner, new { name = "c", role = "member", apiKey = custom });
        var response = await Alice.PostAsJsonAsync($"{InnerPath(Inner2)}/apiKeys", new { name = "c", role = "member", apiKey = custom });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Key_IsHiddenFromTheOrganization_ForUsersAndKeysAlike()
    {
        var (id, key) = await MintAsync(Alice, Inner);
        var (_, ownKey) = await OrgKeysApp.CreateKeyAsync(Ivan, Inner, "admin");

        foreach (var client in new[] { Ivan, App.ClientWithKey(ownKey), App.ClientWithKey(key) })
        {
            var listed = (await (await client.GetAsync($"/v1/api/organizations/{Inner}/apikeys")).ReadJsonAsync()).GetProperty("apiKeys");
            Assert.NotEmpty(listed.EnumerateArray());
            Assert.DoesNotContain(listed.EnumerateArray(), k => k.GetProperty("id").GetInt32() == id);
        }

        // Nor can the organization revoke what it cannot see.
        Assert.Equal(HttpStatusCode.NotFound, (await Ivan.DeleteAsync($"/v1/api/organizations/{Inner}/apikeys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));

        // The white label admin sees it, masked.
        var minted = (await (await Alice.GetAsync($"{InnerPath(Inner)}/apiKeys")).ReadJsonAsync()).GetProperty("apiKeys");
        var only = Assert.Single(minted.EnumerateArray(), k => k.GetProperty("id").GetInt32() == id);
        Assert.DoesNotContain(key, only.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhiteLabelAdmin_RevokesAMintedKey_AndItStopsAtOnce()
    {
        var (id, key) = await MintAsync(Alice, Inner);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.DeleteAsync($"{InnerPath(Inner2)}/apiKeys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Alice.DeleteAsync($"{InnerPath(Inner)}/apiKeys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.DeleteAsync($"{InnerPath(Inner)}/apiKeys/{id}")).StatusCode);
    }

    [Fact]
    public async Task WhiteLabelAdmin_CannotSeeOrRevokeTheOrganizationsOwnKeys()
    {
        // The first key, made with the organization by the white label admin, is the white label's (issue 14);
        // a key the organization's own admin makes is not.
        var (ownKeyId, ownKey) = await OrgKeysApp.CreateKeyAsync(Ivan, Inner, "admin");
        var minted = (await (await Alice.GetAsync($"{InnerPath(Inner)}/apiKeys")).ReadJsonAsync()).GetProperty("apiKeys").EnumerateArray();
        Assert.DoesNotContain(minted, k => k.GetProperty("id").GetInt32() == ownKeyId);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.DeleteAsync($"{InnerPath(Inner)}/apiKeys/{ownKeyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(ownKey, $"/v1/api/organizations/{Inner}"));
    }

    [Fact]
    public async Task Key_ActsAsTheInnerOrganization_WithTheRequestedRole()
    {
        var (_, member) = await MintAsync(Alice, Inner, new { name = "m", role = "member" });
        using var client = App.ClientWithKey(member);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{Inner}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{Inner}/apikeys")).StatusCode);
        // A member key: no admin action.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/v1/api/organizations/{Inner}")).StatusCode);
        var response = await client.PostAsJsonAsync($"/v1/api/organizations/{Inner}/apikeys", new { name = "up", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Key_HasNoReachBeyondItsInnerOrganization()
    {
        var (_, key) = await MintAsync(Alice, Inner);
        foreach (var path in new[]
        {
            $"/v1/api/organizations/{AdminOrg}",
            $"/v1/api/organizations/{AdminOrg}/apikeys",
            $"/v1/api/organizations/{Inner2}",
            $"/v1/api/organizations/{OtherInner}",
            $"/v1/api/organizations/{OtherAdminOrg}",
            $"/v1/api/organizations/{Ordinary}",
            WhiteLabelPath(),
            $"{WhiteLabelPath()}/organizations",
            $"{InnerPath(Inner)}",
            $"{InnerPath(Inner)}/apiKeys",
            "/v1/api/user",
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusWithKeyAsync(key, path));
        }
    }

    [Fact]
    public async Task Key_RecordsWhoMintedIt_AndKeysItMintsInheritThat_AndCannotOutliveIt()
    {
        var (id, key) = await MintAsync(Alice, Inner, new { name = "parent", role = "admin", ttl = 600 });
        var row = await App.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));
        Assert.Equal(WhiteLabel, row.WhiteLabelId);
        Assert.Equal(AliceId, row.CreatedByUserId);
        Assert.Equal(Inner, row.OrganizationId);

        using var withKey = App.ClientWithKey(key);
        var child = await (await withKey.PostAsJsonAsync($"/v1/api/organizations/{Inner}/apikeys", new { name = "child", role = "member", ttl = 86_400 }))
            .ReadJsonAsync();
        var childId = child.GetProperty("id").GetInt32();
        var childRow = await App.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == childId));
        Assert.Equal(WhiteLabel, childRow.WhiteLabelId);
        Assert.Equal(id, childRow.CreatedByApiKeyId);
        Assert.Equal(row.ExpiresAt, childRow.ExpiresAt);

        var listed = (await (await Ivan.GetAsync($"/v1/api/organizations/{Inner}/apikeys")).ReadJsonAsync()).GetProperty("apiKeys");
        Assert.DoesNotContain(listed.EnumerateArray(), k => k.GetProperty("id").GetInt32() == childId);
    }

    [Fact]
    public async Task AdminKeyOfTheAdminOrganization_IsAWhiteLabelAdmin_AndItsExpiryBoundsWhatItMints()
    {
        using var adminKey = App.ClientWithKey(AdminOrgKey);
        await MintAsync(adminKey, Inner);

        var expiring = (await (await Alice.PostAsJsonAsync($"/v1/api/organizations/{AdminOrg}/apikeys", new { name = "short", role = "admin", ttl = 30 }))
            .ReadJsonAsync()).GetProperty("apiKey").GetString()!;
        using var shortLived = App.ClientWithKey(expiring);
        var (id, minted) = await MintAsync(shortLived, Inner);
        App.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(minted, $"/v1/api/organizations/{Inner}"));
        Assert.NotNull(await App.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.CreatedByApiKeyId).SingleAsync()));
    }

    [Fact]
    public async Task MemberKeyOfTheAdminOrganization_IsRefused()
    {
        var memberKey = (await (await Alice.PostAsJsonAsync($"/v1/api/organizations/{AdminOrg}/apikeys", new { name = "m", role = "member" }))
            .ReadJsonAsync()).GetProperty("apiKey").GetString()!;
        using var member = App.ClientWithKey(memberKey);
        var response = await member.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "k", role = "member" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DeletedInnerOrganization_ItsKeysStopAtOnce()
    {
        var (_, key) = await MintAsync(Alice, Inner);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(InnerKey, $"/v1/api/organizations/{Inner}"));

        Assert.Equal(HttpStatusCode.OK, (await Alice.DeleteAsync(InnerPath(Inner))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(key, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(InnerKey, $"/v1/api/organizations/{Inner}"));
        Assert.Equal(HttpStatusCode.NotFound, (await Ivan.GetAsync($"/v1/api/organizations/{Inner}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "k", role = "admin" })).StatusCode);
    }
}

/// <summary>Behind a reverse proxy, a white label key says on whose behalf it acts.</summary>
public class WhiteLabelForwardAuthTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    [Fact]
    public async Task ForwardAuth_NamesTheWhiteLabelAndItsAdmin_ForAWhiteLabelKeyOnly()
    {
        var (id, key) = await MintAsync(Alice, Inner, new { name = "support", role = "member" });
        using var withKey = App.ClientWithKey(key);
        var response = await withKey.GetAsync($"/v1/auth/check?organization={Inner}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal($"{Inner}", response.Headers.GetValues("X-OrgKeys-Organization").Single());
        Assert.Equal("member", response.Headers.GetValues("X-OrgKeys-Role").Single());
        Assert.Equal($"apikey:{id}", response.Headers.GetValues("X-OrgKeys-Subject").Single());
        Assert.Equal($"whitelabel:{WhiteLabel}, user:{AliceId}", response.Headers.GetValues("X-OrgKeys-On-Behalf-Of").Single());

        Assert.Equal(HttpStatusCode.Forbidden, (await withKey.GetAsync($"/v1/auth/check?organization={AdminOrg}")).StatusCode);

        var (_, organizationsOwn) = await OrgKeysApp.CreateKeyAsync(Ivan, Inner, "member");
        using var ownKey = App.ClientWithKey(organizationsOwn);
        var own = await ownKey.GetAsync("/v1/auth/check");
        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        Assert.False(own.Headers.Contains("X-OrgKeys-On-Behalf-Of"));
    }
}
