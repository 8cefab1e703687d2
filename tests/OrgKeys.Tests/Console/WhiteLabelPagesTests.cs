using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.WhiteLabels;

namespace OrgKeys.Tests.Console;

/// <summary>A white label admin's pages without a browser: mint a temporary key for an inner organization, list it, revoke it; nobody else gets in.</summary>
public sealed partial class WhiteLabelPagesTests(SharedApp shared) : WhiteLabelFixture(shared), IClassFixture<SharedApp>
{
    private string KeysPage => $"/organizations/{AdminOrg}/whitelabel/organizations/{Inner}/keys";

    private Task<int> UserIdAsync(string username) => App.WithDbAsync(db => db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync());

    [GeneratedRegex("value=\"(ei_[0-9a-f]{64})\"")]
    private static partial Regex Secret();

    [Fact]
    public async Task Admin_MintsASixtySecondKey_ShownOnce_ThatWorks_ThenRevokesIt()
    {
        using var alice = await FormClient.SignedInAsync(App, AliceId);
        var index = await alice.GetHtmlAsync($"/organizations/{AdminOrg}/whitelabel");
        Assert.Contains("Inner one", index, StringComparison.Ordinal);
        Assert.DoesNotContain("Globex inner", index, StringComparison.Ordinal);

        var tooLong = await alice.PostAsync(KeysPage, KeysPage, ("name", "seed"), ("role", "admin"), ("ttl", "86401"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("for a white label key", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var minted = await alice.PostAsync(KeysPage, KeysPage, ("name", "seed"), ("role", "admin"), ("ttl", ""));
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        Assert.Equal("no-store", minted.Headers.CacheControl?.ToString());
        var secret = Secret().Match(await minted.Content.ReadAsStringAsync()).Groups[1].Value;
        var key = await App.WithDbAsync(db => db.ApiKeys.OrderByDescending(k => k.Id).FirstAsync());
        Assert.Equal((Inner, WhiteLabel, (int?)AliceId), (key.OrganizationId, key.WhiteLabelId.GetValueOrDefault(), key.CreatedByUserId));
        Assert.Equal(TimeSpan.FromSeconds(60), key.ExpiresAt - key.Created);
        using var withKey = App.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{Inner}/apikeys")).StatusCode);
        var list = await alice.GetHtmlAsync(KeysPage);
        Assert.Contains("seed", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);

        var revoked = await alice.PostAsync($"{KeysPage}?handler=Revoke", KeysPage, ("apiKeyId", $"{key.Id}"));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withKey.GetAsync($"/v1/api/organizations/{Inner}/apikeys")).StatusCode);
    }

    [Fact]
    public async Task OthersAre404Or403_AndACrossSitePost_Is400()
    {
        using var wendy = await FormClient.SignedInAsync(App, await UserIdAsync("wendy"));
        Assert.Equal(HttpStatusCode.NotFound, (await wendy.GetAsync($"/organizations/{AdminOrg}/whitelabel")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await wendy.GetAsync(KeysPage)).StatusCode);
        using var mike = await FormClient.SignedInAsync(App, await UserIdAsync("mike"));
        Assert.Equal(HttpStatusCode.Forbidden, (await mike.GetAsync(KeysPage)).StatusCode);
        using var olga = await FormClient.SignedInAsync(App, await UserIdAsync("olga"));
        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync($"/organizations/{Ordinary}/whitelabel")).StatusCode);
        using var alice = await FormClient.SignedInAsync(App, AliceId);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/organizations/{AdminOrg}/whitelabel/organizations/{OtherInner}/keys")).StatusCode);

        var before = await App.WithDbAsync(db => db.ApiKeys.CountAsync());
        var forged = await alice.PostWithoutTokenAsync(KeysPage, ("name", "forged"), ("role", "admin"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var intoOther = await alice.PostAsync($"/organizations/{AdminOrg}/whitelabel/organizations/{OtherInner}/keys", KeysPage, ("name", "x"), ("role", "admin"));
        Assert.Equal(HttpStatusCode.NotFound, intoOther.StatusCode);
        Assert.Equal(before, await App.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    private Task<bool> IsLiveAsync(int org) => App.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Id == org && o.DeletedDate == null));

    [Fact]
    public async Task Admin_CreatesAnInnerOrganization_ItsAdminKeyShownOnce_ThenDeletesOneAfterAConfirmation()
    {
        using var alice = await FormClient.SignedInAsync(App, AliceId);
        var index = $"/organizations/{AdminOrg}/whitelabel";
        var empty = await alice.PostAsync($"{index}?handler=Create", index, ("organizationName", " "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("There is a problem", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var created = await alice.PostAsync($"{index}?handler=Create", index, ("organizationName", "Inner three"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        var secret = Secret().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value;
        var org = await App.WithDbAsync(db => db.Organizations.Where(o => o.Name == "Inner three").Select(o => new { o.Id, o.WhiteLabelId }).SingleAsync());
        Assert.Equal(WhiteLabel, org.WhiteLabelId);
        using var withKey = App.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{org.Id}/apikeys")).StatusCode);
        Assert.DoesNotContain(secret, await alice.GetHtmlAsync(index), StringComparison.Ordinal);

        var confirm = $"{index}/organizations/{org.Id}/delete";
        Assert.Contains("Delete Inner three?", await alice.GetHtmlAsync(confirm), StringComparison.Ordinal);
        Assert.True(await IsLiveAsync(org.Id)); // the confirmation page changes nothing
        var deleted = await alice.PostAsync(confirm, confirm);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal($"{index}?deleted=true", deleted.Headers.Location?.OriginalString);
        Assert.False(await IsLiveAsync(org.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await withKey.GetAsync($"/v1/api/organizations/{org.Id}/apikeys")).StatusCode);
        Assert.DoesNotContain("Inner three", await alice.GetHtmlAsync(index), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAndDelete_RefusedToAMemberAnotherWhiteLabelAndACrossSitePost()
    {
        var index = $"/organizations/{AdminOrg}/whitelabel";
        using var alice = await FormClient.SignedInAsync(App, AliceId);
        var forged = await alice.PostWithoutTokenAsync($"{index}/organizations/{Inner}/delete");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var forgedCreate = await alice.PostWithoutTokenAsync($"{index}?handler=Create", ("organizationName", "forged"));
        Assert.Equal(HttpStatusCode.BadRequest, forgedCreate.StatusCode);
        var other = await alice.PostAsync($"{index}/organizations/{OtherInner}/delete", index);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"{index}/organizations/{OtherInner}/delete")).StatusCode);

        // mike, a member of the admin organization, has no form to take a token from: the account page's sign-out form has one.
        using var mike = await FormClient.SignedInAsync(App, await UserIdAsync("mike"));
        var memberDelete = await mike.PostAsync($"{index}/organizations/{Inner}/delete", "/account");
        var memberCreate = await mike.PostAsync($"{index}?handler=Create", "/account", ("organizationName", "by a member"));
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], [memberDelete.StatusCode, memberCreate.StatusCode]);
        Assert.True(await IsLiveAsync(Inner) && await IsLiveAsync(OtherInner));
        Assert.False(await App.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Name == "forged" || o.Name == "by a member")));
    }
}
