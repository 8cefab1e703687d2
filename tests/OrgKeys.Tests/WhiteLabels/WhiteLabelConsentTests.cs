using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.WhiteLabels;

/// <summary>
/// Issue 14: a white label's named admin is only invited, walking <c>adminId</c> reveals nothing, an
/// inner organization may have no user admin, and the white label's admins stay hidden from it.
/// </summary>
public class WhiteLabelConsentTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    private Task<HttpResponseMessage> CreateAsync(object body) => Alice.PostAsJsonAsync($"{WhiteLabelPath()}/organizations", body);

    private async Task<JsonElement[]> UsersOfAsync(int inner)
    {
        var body = await (await Alice.GetAsync(InnerPath(inner))).ReadJsonAsync();
        return [.. body.GetProperty("users").EnumerateArray()];
    }

    [Fact]
    public async Task Create_WalkingAdminIds_GivesTheSameAnswerForAccountsAndNonAccounts()
    {
        var shapes = new List<(HttpStatusCode, string)>();
        foreach (var adminId in new[] { IvanId, 99999 })
        {
            var response = await CreateAsync(new { organizationName = "Walk", adminId });
            var body = await response.ReadJsonAsync();
            shapes.Add((response.StatusCode, string.Join(',', body.EnumerateObject().Select(p => p.Name))));
            var pending = Assert.Single(await UsersOfAsync(body.GetProperty("id").GetInt32()));
            Assert.True(pending.GetProperty("pending").GetBoolean());
            Assert.Equal(adminId.ToString(System.Globalization.CultureInfo.InvariantCulture), pending.GetProperty("username").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, shapes[0].Item1);
        Assert.Equal(shapes[0], shapes[1]);
    }

    [Fact]
    public async Task Create_WithAdminEmail_MakesAPendingAdmin_WhoMustAccept()
    {
        var response = await CreateAsync(new { organizationName = "Pending", adminEmail = "ivan@example.com" });
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt32();

        Assert.Equal(HttpStatusCode.NotFound, (await Ivan.GetAsync($"/v1/api/organizations/{id}")).StatusCode);
        Assert.DoesNotContain("ivan", (await UsersOfAsync(id)).Single().GetRawText().Replace("ivan@example.com", "", StringComparison.Ordinal), StringComparison.Ordinal);
        await AcceptAsync(Ivan, id);
        Assert.Equal(HttpStatusCode.OK, (await Ivan.GetAsync($"/v1/api/organizations/{id}/apikeys")).StatusCode);
    }

    [Fact]
    public async Task Create_WithNeitherAdmin_MakesAnOrganizationWithNoUserAdmin()
    {
        var response = await CreateAsync(new { organizationName = "Managed" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.Empty(await UsersOfAsync(id));
        Assert.Equal(HttpStatusCode.OK, (await Alice.GetAsync($"{InnerPath(id)}/apiKeys")).StatusCode);

        var both = await CreateAsync(new { organizationName = "Both", adminId = IvanId, adminEmail = "ivan@example.com" });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task WhiteLabelAdmins_AreHiddenFromTheInnerOrganizationsKeysAndAuditLog()
    {
        // The inner organization's own admin (ivan) reads its keys and its log: alice acted in it as the white label.
        var keys = await (await Ivan.GetAsync($"/v1/api/organizations/{Inner}/apikeys")).ReadJsonAsync();
        Assert.DoesNotContain(keys.GetProperty("apiKeys").EnumerateArray(),
            k => k.TryGetProperty("createdByUser", out var c) && c.ValueKind == JsonValueKind.Object && c.GetProperty("id").GetInt32() == AliceId);

        await MintAsync(Alice, Inner);
        var log = await (await Ivan.GetAsync($"/v1/api/organizations/{Inner}/audit?limit=1000")).ReadJsonAsync();
        var entries = log.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "organization.create");
        Assert.All(entries.Where(e => e.GetProperty("action").GetString() != "member.accept"), e =>
        {
            Assert.Equal(JsonValueKind.Null, e.GetProperty("actor").GetProperty("userId").ValueKind);
            Assert.Equal(JsonValueKind.Null, e.GetProperty("address").ValueKind);
        });
    }
}
