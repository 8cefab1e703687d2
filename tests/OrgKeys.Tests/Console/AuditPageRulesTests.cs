using System.Net;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>The audit page's server-side rules, without a browser: admins only, tenants, filters, paging, queries.</summary>
public sealed class AuditPageRulesTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _aliceApi = null!;
    private int _aliceId;
    private int _org;
    private int _otherOrg;
    private FormClient _alice = null!;

    private string Page => $"/organizations/{_org}/audit";

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

    [Fact]
    public async Task Admin_SeesWhoDidWhat_FilteredByActionAndActor_PagedInABoundedNumberOfQueries()
    {
        await _alice.GetHtmlAsync(Page);
        var before = _app.Commands.Count;
        var few = await _alice.GetHtmlAsync(Page);
        var forFew = _app.Commands.Count - before;
        Assert.Contains("organization.create", few, StringComparison.Ordinal);

        var (keyId, _) = await OrgKeysApp.CreateKeyAsync(_aliceApi, _org, name: "Build server");
        (await _aliceApi.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{keyId}")).EnsureSuccessStatusCode();
        for (var i = 0; i < 28; i++)
        {
            await OrgKeysApp.CreateKeyAsync(_aliceApi, _org, name: $"batch {i:00}");
        }

        await _alice.GetHtmlAsync(Page);
        before = _app.Commands.Count;
        var full = await _alice.GetHtmlAsync(Page);
        var forFull = _app.Commands.Count - before;
        // The role, the organization, the count, the page, its users and its keys: never one per row.
        Assert.True(forFull <= 7 && forFew <= 7, $"{forFull} queries for a full page, {forFew} for one entry");
        Assert.Contains("32 entries", full, StringComparison.Ordinal); // the organization and its admin key, then 30 changes
        Assert.Contains("Page 1 of 2", full, StringComparison.Ordinal);
        Assert.Contains("batch 27", full, StringComparison.Ordinal);
        Assert.Contains("organization.create", await _alice.GetHtmlAsync($"{Page}?p=2"), StringComparison.Ordinal);

        var revoked = await _alice.GetHtmlAsync($"{Page}?action=apikey.revoke");
        Assert.Contains("1 entry matching the filter", revoked, StringComparison.Ordinal);
        Assert.Contains("Build server", revoked, StringComparison.Ordinal);
        Assert.Contains("32 entries matching the filter", await _alice.GetHtmlAsync($"{Page}?actor=ALICE@example.com"), StringComparison.Ordinal);
        Assert.Contains("No entries match this filter.", await _alice.GetHtmlAsync($"{Page}?actor=bob"), StringComparison.Ordinal);
        Assert.Contains("No entries match this filter.", await _alice.GetHtmlAsync($"{Page}?actor=nobody-at-all"), StringComparison.Ordinal);
        Assert.Contains("32 entries</h2>", await _alice.GetHtmlAsync($"{Page}?action=not.an.action&p=-3"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_GetsNoLinkAndA403_AnotherTenant404_AndAPostWithoutTokenIsRefused()
    {
        var carolId = await _app.CreateUserAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_aliceApi, _org, "carol", "member")).StatusCode);
        using var carol = await FormClient.SignedInAsync(_app, carolId);
        Assert.DoesNotContain("/audit\"", await carol.GetHtmlAsync($"/organizations/{_org}"), StringComparison.Ordinal);
        Assert.Contains($"{Page}\"", await _alice.GetHtmlAsync($"/organizations/{_org}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync(Page)).StatusCode);

        var other = await _alice.GetAsync($"/organizations/{_otherOrg}/audit");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain("Globex", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _alice.PostWithoutTokenAsync(Page, ("action", "apikey.create"))).StatusCode);
    }
}
