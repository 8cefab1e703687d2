using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.WhiteLabels;

namespace OrgKeys.Tests.Audit;

/// <summary>Every key, member and organization change is recorded with who, when and what; admins read it, nobody else.</summary>
public class AuditLogTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    private static async Task<JsonElement[]> EntriesAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("entries").EnumerateArray().ToArray();
    }

    private static string Audit(int org) => $"/v1/api/organizations/{org}/audit";

    [Fact]
    public async Task KeyAndMemberChanges_AreRecorded_NewestFirst_WithTheActor_AndNoSecret()
    {
        var (_, bob) = await App.SignedInUserAsync("bob");
        var bobId = (await (await bob.GetAsync("/v1/api/user")).ReadJsonAsync()).GetProperty("id").GetInt32();
        var (org, adminKey) = await OrgKeysApp.CreateOrganizationAsync(Olga, "Audited");
        var created = await (await Olga.PostAsJsonAsync($"/v1/api/organizations/{org}/apikeys", new { name = "ci", role = "member" })).ReadJsonAsync();
        var keyId = created.GetProperty("id").GetInt32();
        (await App.JoinAsync(Olga, org, "bob", "member")).EnsureSuccessStatusCode();
        (await Olga.PostAsJsonAsync($"/v1/api/organizations/{org}/members/{bobId}/role", new { role = "admin" })).EnsureSuccessStatusCode();
        using var withKey = App.ClientWithKey(adminKey);
        (await withKey.DeleteAsync($"/v1/api/organizations/{org}/apikeys/{keyId}")).EnsureSuccessStatusCode();
        (await Olga.PostAsJsonAsync($"/v1/api/organizations/{org}/members/remove", new { id = bobId })).EnsureSuccessStatusCode();

        var response = await Olga.GetAsync(Audit(org));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(adminKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(created.GetProperty("apiKey").GetString()!, raw, StringComparison.Ordinal);

        var entries = await EntriesAsync(Olga, Audit(org));
        Assert.Equal(
            ["member.remove", "apikey.revoke", "member.role", "member.accept", "member.add", "apikey.create", "apikey.create", "organization.create"],
            entries.Select(e => e.GetProperty("action").GetString()));
        var revoke = entries[1];
        Assert.Equal(keyId, revoke.GetProperty("apiKeyId").GetInt32());
        Assert.Equal(JsonValueKind.Number, revoke.GetProperty("actor").GetProperty("apiKeyId").ValueKind);
        Assert.Equal(JsonValueKind.Null, revoke.GetProperty("actor").GetProperty("userId").ValueKind);
        var role = entries[2];
        Assert.Equal(bobId, role.GetProperty("userId").GetInt32());
        Assert.Equal("admin", role.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Number, role.GetProperty("actor").GetProperty("userId").ValueKind);
    }

    [Fact]
    public async Task RefusedChanges_RecordNothing()
    {
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(Olga, "Lonely");
        var before = (await EntriesAsync(Olga, Audit(org))).Length;
        var olgaId = (await (await Olga.GetAsync("/v1/api/user")).ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Conflict, (await Olga.PostAsJsonAsync($"/v1/api/organizations/{org}/members/remove", new { id = olgaId })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Olga.PostAsJsonAsync($"/v1/api/organizations/{org}/apikeys", new { name = "", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Olga.DeleteAsync($"/v1/api/organizations/{org}/apikeys/999999")).StatusCode);
        Assert.Equal(before, (await EntriesAsync(Olga, Audit(org))).Length);
    }

    [Fact]
    public async Task OnlyAdminsOfTheOrganization_ReadIt()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Mike.GetAsync(Audit(AdminOrg))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Olga.GetAsync(Audit(AdminOrg))).StatusCode);
        using var otherKey = App.ClientWithKey(InnerKey);
        Assert.Equal(HttpStatusCode.NotFound, (await otherKey.GetAsync(Audit(AdminOrg))).StatusCode);
        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Audit(AdminOrg))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Alice.GetAsync($"{Audit(AdminOrg)}?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Alice.GetAsync($"{Audit(AdminOrg)}?offset=-1")).StatusCode);
        var page = await (await Alice.GetAsync($"{Audit(AdminOrg)}?limit=1")).ReadJsonAsync();
        Assert.Single(page.GetProperty("entries").EnumerateArray());
        Assert.True(page.GetProperty("total").GetInt32() > 1);
    }

    [Fact]
    public async Task WhiteLabelActions_AreAttributedToTheWhiteLabel_AndTheAdminIsNamedOnlyToTheWhiteLabel()
    {
        var (mintedId, minted) = await MintAsync(Alice, Inner);
        using var withKey = App.ClientWithKey(minted);
        // A white label key may not add members (nothing a temporary credential makes may outlive it,
        // issue 14): refused, and the refusal changes nothing in either audit view.
        Assert.Equal(HttpStatusCode.Forbidden, (await withKey.PostAsJsonAsync($"/v1/api/organizations/{Inner}/members/add",
            new { usernameOrEmail = "olga", role = "member", datasets = Array.Empty<string>() })).StatusCode);

        // The organization sees nothing of the hidden key.
        var seen = await EntriesAsync(Ivan, Audit(Inner));
        Assert.DoesNotContain(seen, e => e.GetProperty("apiKeyId").ValueKind == JsonValueKind.Number && e.GetProperty("apiKeyId").GetInt32() == mintedId);
        Assert.DoesNotContain(seen, e => e.GetProperty("action").GetString() == "member.add");

        // The white label sees everything, the admin and key included.
        var full = await EntriesAsync(Alice, $"{InnerPath(Inner)}/audit");
        var mint = Assert.Single(full, e => e.GetProperty("action").GetString() == "apikey.create" && e.GetProperty("apiKeyId").GetInt32() == mintedId);
        Assert.Equal(AliceId, mint.GetProperty("actor").GetProperty("userId").GetInt32());
        Assert.Equal(WhiteLabel, mint.GetProperty("actor").GetProperty("whitelabelId").GetInt32());
        Assert.DoesNotContain(full, e => e.GetProperty("action").GetString() == "member.add");

        Assert.Equal(HttpStatusCode.NotFound, (await Wendy.GetAsync($"{InnerPath(Inner, OtherAdminOrg)}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Ivan.GetAsync($"{InnerPath(Inner)}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Alice.GetAsync($"{InnerPath(OtherInner)}/audit")).StatusCode);
    }
}
