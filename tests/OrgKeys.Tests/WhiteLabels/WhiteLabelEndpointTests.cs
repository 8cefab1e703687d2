using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Tests.WhiteLabels;

/// <summary>The white label admin endpoints: who may call them, and what they do with good and bad input.</summary>
public class WhiteLabelEndpointTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    /// <summary>Every white label endpoint, as a request on white label 1 touching <see cref="WhiteLabelFixture.Inner"/>.</summary>
    private IEnumerable<(string Name, Func<HttpClient, Task<HttpResponseMessage>> Call)> Endpoints() =>
    [
        ("getInfo", c => c.GetAsync(WhiteLabelPath())),
        ("createOrganization", c => c.PostAsJsonAsync($"{WhiteLabelPath()}/organizations", new { organizationName = "Sneaky", adminEmail = "olga@example.com" })),
        ("getOrganizations", c => c.GetAsync($"{WhiteLabelPath()}/organizations")),
        ("getOrganizationInfo", c => c.GetAsync(InnerPath(Inner))),
        ("deleteOrganization", c => c.DeleteAsync(InnerPath(Inner))),
        ("addOrganizationApiKey", c => c.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "k", role = "admin" })),
        ("listOrganizationApiKeys", c => c.GetAsync($"{InnerPath(Inner)}/apiKeys")),
        ("revokeOrganizationApiKey", c => c.DeleteAsync($"{InnerPath(Inner)}/apiKeys/1")),
    ];

    private Task<(int Organizations, int Keys, int Deleted)> StateAsync() => App.WithDbAsync(async db =>
        (await db.Organizations.CountAsync(), await db.ApiKeys.CountAsync(k => k.RevokedAt == null), await db.Organizations.CountAsync(o => o.DeletedDate != null)));

    [Fact]
    public async Task EveryEndpoint_RefusesInnerAdmin_AdminOrgMember_OrdinaryAdmin_OtherWhiteLabelAdmin_AndNoCredential()
    {
        var before = await StateAsync();
        using var anonymous = App.CreateClient();
        using var innerKey = App.ClientWithKey(InnerKey);
        foreach (var (name, call) in Endpoints())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await call(Ivan)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await call(innerKey)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await call(Mike)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await call(Olga)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await call(Wendy)).StatusCode);
            var unauthenticated = await call(anonymous);
            Assert.True(unauthenticated.StatusCode == HttpStatusCode.Unauthorized, $"{name} without a credential: {unauthenticated.StatusCode}");
        }

        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task OrdinaryOrganizationAdmin_HasNoWhiteLabelOfTheirOwn()
    {
        var response = await Olga.GetAsync(WhiteLabelPath(Ordinary));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Olga.PostAsJsonAsync($"{WhiteLabelPath(Ordinary)}/organizations",
            new { organizationName = "x", adminEmail = "olga@example.com" })).StatusCode);
    }

    [Fact]
    public async Task InnerOrganizationOfAnotherWhiteLabel_Is404_ThroughOurOwnWhiteLabel()
    {
        var before = await StateAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.GetAsync(InnerPath(OtherInner))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.PostAsJsonAsync($"{InnerPath(OtherInner)}/apiKeys", new { name = "k", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.DeleteAsync(InnerPath(OtherInner))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.GetAsync($"{InnerPath(OtherInner)}/apiKeys")).StatusCode);
        // Nor an ordinary organization, nor the admin organization itself.
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.PostAsJsonAsync($"{InnerPath(Ordinary)}/apiKeys", new { name = "k", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.PostAsJsonAsync($"{InnerPath(AdminOrg)}/apiKeys", new { name = "k", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.DeleteAsync(InnerPath(AdminOrg))).StatusCode);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task GetInfo_DescribesTheWhiteLabel()
    {
        var body = await (await Alice.GetAsync(WhiteLabelPath())).ReadJsonAsync();
        var whiteLabel = body.GetProperty("whitelabel");
        Assert.Equal(WhiteLabel, whiteLabel.GetProperty("id").GetInt32());
        Assert.Equal("Acme", whiteLabel.GetProperty("name").GetString());
        Assert.Equal("acme.example.com", whiteLabel.GetProperty("domain").GetString());
        Assert.Equal(AdminOrg, whiteLabel.GetProperty("ownerOrganizationId").GetInt32());
    }

    [Fact]
    public async Task CreateOrganization_MakesTheNamedUserItsAdmin_AndReturnsAWorkingAdminKey()
    {
        var (id, key) = await CreateInnerAsync(Alice, AdminOrg, "By id", "olga@example.com");
        await AcceptAsync(Olga, id);
        var olgasOrgs = (await (await Olga.GetAsync("/v1/api/user/organizations")).ReadJsonAsync()).GetProperty("organizations");
        var created = Assert.Single(olgasOrgs.EnumerateArray(), o => o.GetProperty("id").GetInt32() == id);
        Assert.True(created.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(WhiteLabel, created.GetProperty("whitelabelId").GetInt32());

        using var withKey = App.ClientWithKey(key);
        var info = await (await withKey.GetAsync($"/v1/api/organizations/{id}")).ReadJsonAsync();
        Assert.Equal(WhiteLabel, info.GetProperty("organization").GetProperty("whitelabelId").GetInt32());

        var byId = await Alice.PostAsJsonAsync($"{WhiteLabelPath()}/organizations", new { organizationName = "By id", adminId = IvanId });
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
    }

    [Theory]
    [InlineData("""{"adminEmail":"ivan@example.com"}""", HttpStatusCode.BadRequest, "organizationName")]
    [InlineData("""{"organizationName":"","adminEmail":"ivan@example.com"}""", HttpStatusCode.BadRequest, "organizationName")]
    [InlineData("""{"organizationName":"x","adminId":2,"adminEmail":"ivan@example.com"}""", HttpStatusCode.BadRequest, "adminId")]
    [InlineData("""{"organizationName":"x","adminId":"2"}""", HttpStatusCode.BadRequest, "adminId")]
    [InlineData("""not json""", HttpStatusCode.BadRequest, "JSON")]
    public async Task CreateOrganization_BadBody_IsRefused_AndCreatesNothing(string body, HttpStatusCode status, string mentions)
    {
        var before = await StateAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await Alice.PostAsync($"{WhiteLabelPath()}/organizations", content);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(mentions, await response.ReadErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task GetOrganizations_ListsOnlyThisWhiteLabelsInnerOrganizations_WithPagingAndSearch()
    {
        var all = await (await Alice.GetAsync($"{WhiteLabelPath()}/organizations")).ReadJsonAsync();
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        Assert.Equal([Inner, Inner2], all.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetInt32()));
        Assert.All(all.GetProperty("organizations").EnumerateArray(), o => Assert.Equal(WhiteLabel, o.GetProperty("whitelabelId").GetInt32()));

        var page = await (await Alice.GetAsync($"{WhiteLabelPath()}/organizations?limit=1&offset=1")).ReadJsonAsync();
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(Inner2, Assert.Single(page.GetProperty("organizations").EnumerateArray()).GetProperty("id").GetInt32());

        var search = await (await Alice.GetAsync($"{WhiteLabelPath()}/organizations?search=TWO")).ReadJsonAsync();
        Assert.Equal(Inner2, Assert.Single(search.GetProperty("organizations").EnumerateArray()).GetProperty("id").GetInt32());

        var wendys = await (await Wendy.GetAsync($"{WhiteLabelPath(OtherAdminOrg)}/organizations")).ReadJsonAsync();
        Assert.Equal(OtherInner, Assert.Single(wendys.GetProperty("organizations").EnumerateArray()).GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("includeDeleted=maybe", "includeDeleted")]
    public async Task GetOrganizations_BadQuery_Is400(string query, string field)
    {
        var response = await Alice.GetAsync($"{WhiteLabelPath()}/organizations?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ReadErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOrganizationInfo_ShowsMembersAndWhiteLabel()
    {
        var info = await (await Alice.GetAsync(InnerPath(Inner))).ReadJsonAsync();
        Assert.Equal(Inner, info.GetProperty("id").GetInt32());
        Assert.Equal(WhiteLabel, info.GetProperty("whitelabelId").GetInt32());
        Assert.Equal("Acme", info.GetProperty("whitelabelName").GetString());
        var member = Assert.Single(info.GetProperty("users").EnumerateArray());
        Assert.Equal(IvanId, member.GetProperty("id").GetInt32());
        Assert.Equal("admin", member.GetProperty("role").GetString());
    }

    [Fact]
    public async Task DeleteOrganization_SoftDeletes_AndIncludeDeletedStillShowsIt()
    {
        Assert.Equal(HttpStatusCode.OK, (await Alice.DeleteAsync(InnerPath(Inner))).StatusCode);
        Assert.NotNull(await App.WithDbAsync(db => db.Organizations.Where(o => o.Id == Inner).Select(o => o.DeletedDate).SingleAsync()));

        var live = await (await Alice.GetAsync($"{WhiteLabelPath()}/organizations")).ReadJsonAsync();
        Assert.Equal(1, live.GetProperty("total").GetInt32());
        var withDeleted = await (await Alice.GetAsync($"{WhiteLabelPath()}/organizations?includeDeleted=true")).ReadJsonAsync();
        Assert.Equal(2, withDeleted.GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await Alice.GetAsync(InnerPath(Inner))).StatusCode);
        var info = await (await Alice.GetAsync($"{InnerPath(Inner)}?includeDeleted=true")).ReadJsonAsync();
        Assert.Equal(JsonValueKindString, info.GetProperty("deletedDate").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.DeleteAsync(InnerPath(Inner))).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindString = System.Text.Json.JsonValueKind.String;

    [Fact]
    public async Task DeletedAdminOrganization_EndsTheWhiteLabelAdminsReach()
    {
        Assert.Equal(HttpStatusCode.OK, (await Alice.DeleteAsync($"/v1/api/organizations/{AdminOrg}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.GetAsync(WhiteLabelPath())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "k", role = "admin" })).StatusCode);
    }

    [Theory]
    [InlineData("Dup", "acme.example.com", "already in use")]
    [InlineData("Bad", "not_a_domain", "not a valid domain")]
    [InlineData("Bad", "-bad.example.com", "not a valid domain")]
    [InlineData("", "empty.example.com", "name")]
    public async Task CreateWhiteLabel_RefusesBadInput(string name, string domain, string error)
    {
        var (free, _) = await OrgKeysApp.CreateOrganizationAsync(Olga, "Free");
        await using var scope = App.Services.CreateAsyncScope();
        var (_, message) = await scope.ServiceProvider.GetRequiredService<WhiteLabelService>().CreateAsync(name, domain, free, CancellationToken.None);
        Assert.Contains(error, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWhiteLabel_AnOrganizationAdministersAtMostOne_AndNoInnerOrganizationAdministersOne()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var whiteLabels = scope.ServiceProvider.GetRequiredService<WhiteLabelService>();
        Assert.Contains("already administers", (await whiteLabels.CreateAsync("Twice", "twice.example.com", AdminOrg, CancellationToken.None)).Error, StringComparison.Ordinal);
        Assert.Contains("inside a white label", (await whiteLabels.CreateAsync("Nested", "nested.example.com", Inner, CancellationToken.None)).Error, StringComparison.Ordinal);
        Assert.Contains("no organization", (await whiteLabels.CreateAsync("Ghost", "ghost.example.com", 999_999, CancellationToken.None)).Error, StringComparison.Ordinal);
        Assert.Equal("UPPER.example.com".ToLowerInvariant(), WhiteLabelService.NormalizeDomain(" UPPER.Example.com. "));
    }
}

/// <summary>The longest white label key is configurable.</summary>
public class WhiteLabelMaxTtlTests() : WhiteLabelFixture(new() { ["OrgKeys:WhiteLabel:MaxKeyTtlSeconds"] = "120" })
{
    [Fact]
    public async Task MaxTtl_FromConfiguration_IsEnforced()
    {
        var refused = await Alice.PostAsJsonAsync($"{InnerPath(Inner)}/apiKeys", new { name = "k", role = "admin", ttl = 121 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("120", await refused.ReadErrorAsync(), StringComparison.Ordinal);
        await MintAsync(Alice, Inner, new { name = "k", role = "admin", ttl = 120 });
    }
}
