using System.Net;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>The organization and key pages' server-side rules, without a browser: tenants, roles, antiforgery, secrets, queries.</summary>
public sealed class KeyPagesRulesTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _aliceApi = null!;
    private int _aliceId;
    private int _org;
    private int _otherOrg;
    private FormClient _alice = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_aliceId, _aliceApi) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_aliceApi, "Acme");
        var (_, bob) = await _app.SignedInUserAsync("bob");
        (_otherOrg, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Globex");
        _alice = await FormClient.SignedInAsync(_app, _aliceId);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        _aliceApi.Dispose();
        return Task.CompletedTask;
    }

    private Task<bool> IsLiveAsync(int keyId) => _app.WithDbAsync(db => db.ApiKeys.AnyAsync(k => k.Id == keyId && k.RevokedAt == null));

    private Task<int> KeyCountAsync() => _app.WithDbAsync(db => db.ApiKeys.CountAsync());

    [Fact]
    public async Task PagesOfAnotherTenant_Are404_AndItsKeysCannotBeRevokedFromMine()
    {
        var otherKey = await _app.WithDbAsync(db => db.ApiKeys.Where(k => k.OrganizationId == _otherOrg).Select(k => k.Id).SingleAsync());
        string[] pages = ["", "/keys", "/keys/new", "/members"];
        foreach (var path in pages.Select(p => $"/organizations/{_otherOrg}{p}").Append("/organizations/999999"))
        {
            var response = await _alice.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        var fromOther = await _alice.PostAsync($"/organizations/{_otherOrg}/keys/revoke?handler=Confirm", $"/organizations/{_org}/keys", ("ids", $"{otherKey}"));
        Assert.Equal(HttpStatusCode.NotFound, fromOther.StatusCode);
        var fromMine = await _alice.PostAsync($"/organizations/{_org}/keys/revoke?handler=Confirm", $"/organizations/{_org}/keys", ("ids", $"{otherKey}"));
        Assert.Equal(HttpStatusCode.NotFound, fromMine.StatusCode);
        var confirm = await _alice.PostAsync($"/organizations/{_org}/keys/revoke", $"/organizations/{_org}/keys", ("one", $"{otherKey}"));
        Assert.Equal(HttpStatusCode.NotFound, confirm.StatusCode);
        Assert.True(await IsLiveAsync(otherKey));

        var created = await _alice.PostAsync($"/organizations/{_otherOrg}/keys/new", $"/organizations/{_org}/keys/new", ("name", "sneaky"), ("role", "admin"), ("expiry", "1d"));
        Assert.Equal(HttpStatusCode.NotFound, created.StatusCode);
        Assert.Equal(2, await KeyCountAsync());

        using var anonymous = _app.CreateClient(new() { AllowAutoRedirect = false });
        var signIn = await anonymous.GetAsync($"/organizations/{_org}/keys");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal($"/signin?returnUrl=%2Forganizations%2F{_org}%2Fkeys", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task CrossSitePosts_WithoutTheAntiforgeryToken_Are400_AndChangeNothing()
    {
        var (keyId, _) = await OrgKeysApp.CreateKeyAsync(_aliceApi, _org);
        await _alice.GetAsync($"/organizations/{_org}/keys");
        var create = await _alice.PostWithoutTokenAsync($"/organizations/{_org}/keys/new", ("name", "forged"), ("role", "admin"), ("expiry", "never"));
        var revoke = await _alice.PostWithoutTokenAsync($"/organizations/{_org}/keys/revoke?handler=Confirm", ("ids", $"{keyId}"));

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, revoke.StatusCode);
        Assert.Equal("text/html", revoke.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, await KeyCountAsync());
        Assert.True(await IsLiveAsync(keyId));
    }

    [Fact]
    public async Task NewKey_IsShownOnlyInTheAnswerToThePost_NoStore_NeverInAUrl_AndErrorsAre400()
    {
        var form = $"/organizations/{_org}/keys/new";
        var invalid = await _alice.PostAsync(form, form, ("name", " "), ("role", "member"), ("expiry", "custom"), ("expiresOn", "1999-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("Enter a name for the key.", errors, StringComparison.Ordinal);
        Assert.Contains("Choose a date after today.", errors, StringComparison.Ordinal);
        var weak = await _alice.PostAsync(form, form, ("name", "mine"), ("role", "member"), ("expiry", "1h"), ("customKey", "short"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.DoesNotContain("value=\"short\"", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await KeyCountAsync());

        var created = await _alice.PostAsync(form, form, ("name", "CI deploys"), ("role", "admin"), ("expiry", "90d"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Null(created.Headers.Location);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        var key = await _app.WithDbAsync(db => db.ApiKeys.OrderByDescending(k => k.Id).FirstAsync());
        Assert.Equal("CI deploys", key.Name);
        Assert.Equal(_aliceId, key.CreatedByUserId);
        Assert.Equal(TimeSpan.FromDays(90), key.ExpiresAt - key.Created);
        var secret = System.Text.RegularExpressions.Regex.Match(await created.Content.ReadAsStringAsync(), "value=\"(ei_[0-9a-f]{64})\"").Groups[1].Value;
        using var withKey = _app.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}/apikeys")).StatusCode);
        Assert.DoesNotContain(secret, await _alice.GetHtmlAsync($"/organizations/{_org}/keys"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_SeesNoAdminActions_AndTheServerRefusesThem()
    {
        var carolId = await _app.CreateUserAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_aliceApi, _org, "carol", "member")).StatusCode);
        var (adminKeyId, _) = await OrgKeysApp.CreateKeyAsync(_aliceApi, _org, "admin", name: "alice's");
        using var carol = await FormClient.SignedInAsync(_app, carolId);

        var list = await carol.GetHtmlAsync($"/organizations/{_org}/keys");
        Assert.Contains("alice&#x27;s", list, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"one\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"admin\"", await carol.GetHtmlAsync($"/organizations/{_org}/keys/new"), StringComparison.Ordinal);

        var form = $"/organizations/{_org}/keys/new";
        var admin = await carol.PostAsync(form, form, ("name", "escalate"), ("role", "admin"), ("expiry", "1d"));
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Contains("A member cannot create a key with the admin role.", await admin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var revoke = await carol.PostAsync($"/organizations/{_org}/keys/revoke?handler=Confirm", $"/organizations/{_org}/keys", ("ids", $"{adminKeyId}"));
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.True(await IsLiveAsync(adminKeyId));

        // What the API lets a member do, the console does too: a member key of their own, then revoke it.
        var own = await carol.PostAsync(form, form, ("name", "carol's"), ("role", "member"), ("expiry", "1d"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var ownId = await _app.WithDbAsync(db => db.ApiKeys.Where(k => k.CreatedByUserId == carolId).Select(k => k.Id).SingleAsync());
        var revoked = await carol.PostAsync($"/organizations/{_org}/keys/revoke?handler=Confirm", $"/organizations/{_org}/keys", ("ids", $"{ownId}"));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.False(await IsLiveAsync(ownId));
    }

    [Fact]
    public async Task KeyList_FiltersSearchesAndPages_InABoundedNumberOfQueries()
    {
        await _alice.GetHtmlAsync($"/organizations/{_org}/keys");
        var before = _app.Commands.Count;
        await _alice.GetHtmlAsync($"/organizations/{_org}/keys");
        var withOneKey = _app.Commands.Count - before;

        for (var i = 0; i < 24; i++)
        {
            await OrgKeysApp.CreateKeyAsync(_aliceApi, _org, name: $"batch {i:00}");
        }

        var (expiring, _) = await OrgKeysApp.CreateKeyAsync(_aliceApi, _org, ttl: 60, name: "short-lived");
        var (revokedId, _) = await OrgKeysApp.CreateKeyAsync(_aliceApi, _org, name: "gone");
        (await _aliceApi.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{revokedId}")).EnsureSuccessStatusCode();
        _app.Time.Advance(TimeSpan.FromMinutes(2));

        await _alice.GetHtmlAsync($"/organizations/{_org}/keys");
        before = _app.Commands.Count;
        var first = await _alice.GetHtmlAsync($"/organizations/{_org}/keys");
        // At most: the role, the organization (two queries, when not cached), the count and the page; never one per row.
        var fullPage = _app.Commands.Count - before;
        Assert.True(fullPage <= 5 && withOneKey <= 5, $"{fullPage} queries for a page of 20 keys, {withOneKey} for one key");
        Assert.Contains("25 active keys", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 2", first, StringComparison.Ordinal);
        Assert.Contains("batch 23", first, StringComparison.Ordinal);
        Assert.DoesNotContain("short-lived", first, StringComparison.Ordinal);
        var second = await _alice.GetHtmlAsync($"/organizations/{_org}/keys?p=2");
        Assert.Contains("Admin key (created with the organization)", second, StringComparison.Ordinal);
        Assert.Contains("1 expired key", await _alice.GetHtmlAsync($"/organizations/{_org}/keys?status=expired"), StringComparison.Ordinal);
        Assert.Contains("gone", await _alice.GetHtmlAsync($"/organizations/{_org}/keys?status=revoked"), StringComparison.Ordinal);
        var search = await _alice.GetHtmlAsync($"/organizations/{_org}/keys?search=BATCH%201");
        Assert.Contains("10 active keys named like", search, StringComparison.Ordinal);
        Assert.NotEqual(0, expiring);
    }
}
