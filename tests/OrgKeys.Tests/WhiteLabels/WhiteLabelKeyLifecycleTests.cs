using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.WhiteLabels;

/// <summary>White label keys take rules at minting, and are updated and rolled under the white label's paths only.</summary>
public class WhiteLabelKeyLifecycleTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    private static readonly string[] Networks = ["203.0.113.0/24"];
    private static readonly string[] BadNetworks = ["nope"];

    [Fact]
    public async Task MintedKey_TakesRules_AndIsUpdatedAndRolledWithinItsExpiry()
    {
        var (id, key) = await MintAsync(Alice, Inner, new
        {
            name = "support",
            role = "admin",
            ttl = 3600,
            rateLimits = new[] { new { name = "rps", limit = 5, windowSeconds = 1 } },
            credits = new { remaining = 10 },
            allowedIps = Networks,
        });
        var stored = await App.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));
        Assert.Equal((10L, """["203.0.113.0/24"]"""), (stored.CreditsRemaining!.Value, stored.AllowedIps!));

        Assert.Equal(HttpStatusCode.OK, (await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys/{id}", new { name = "renamed" })).StatusCode);
        var rolled = await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys/{id}/roll", new { graceSeconds = 60 });
        Assert.Equal(HttpStatusCode.OK, rolled.StatusCode);
        var newId = (await rolled.ReadJsonAsync()).GetProperty("id").GetInt32();
        var successor = await App.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == newId));
        Assert.Equal(("renamed", stored.ExpiresAt, stored.WhiteLabelId), (successor.Name, successor.ExpiresAt, successor.WhiteLabelId));
        Assert.Equal(10, successor.CreditsRemaining);
        Assert.NotEqual(key, (await rolled.ReadJsonAsync()).GetProperty("apiKey").GetString());
    }

    [Fact]
    public async Task BadRulesAtMinting_Are400_AndMintNothing()
    {
        var count = await App.WithDbAsync(db => db.ApiKeys.CountAsync());
        var response = await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "x", role = "admin", allowedIps = BadNetworks });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'allowedIps[0]'", await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(count, await App.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [Fact]
    public async Task OtherWhiteLabelsOrTheOrganizationsOwnKeys_Are404_AndUnchanged()
    {
        var (minted, _) = await MintAsync(Alice, Inner);
        var (innerOwn, _) = await OrgKeysApp.CreateKeyAsync(Ivan, Inner);
        // Another white label's admin, through their own inner organization's path.
        Assert.Equal(HttpStatusCode.NotFound, (await Wendy.PostAsJsonAsync($"{InnerPath(OtherInner, OtherAdminOrg)}/apiKeys/{minted}/roll", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Wendy.PostAsJsonAsync($"{InnerPath(OtherInner, OtherAdminOrg)}/apiKeys/{minted}", new { name = "x" })).StatusCode);
        // The inner organization's own key is not the white label's to roll.
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys/{innerOwn}/roll", new { })).StatusCode);
        // Nor is the white label key visible to the inner organization's admin through the organization's path.
        Assert.Equal(HttpStatusCode.NotFound, (await Ivan.PostAsJsonAsync($"/v1/api/organizations/{Inner}/apikeys/{minted}/roll", new { })).StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.RolledToId != null || k.Name == "x")));
    }
}
