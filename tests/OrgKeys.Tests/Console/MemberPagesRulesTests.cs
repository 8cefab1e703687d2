using System.Net;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>The members page's server-side rules, without a browser: admins only, the last admin, tenants, antiforgery.</summary>
public sealed class MemberPagesRulesTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _aliceApi = null!;
    private int _aliceId;
    private int _carolId;
    private int _org;
    private int _otherOrg;
    private FormClient _alice = null!;

    private string Page => $"/organizations/{_org}/members";

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_aliceId, _aliceApi) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_aliceApi, "Acme");
        _carolId = await _app.CreateUserAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await _app.JoinAsync(_aliceApi, _org, "carol", "member")).StatusCode);
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

    private Task<OrganizationRole?> RoleAsync(int userId, int? org = null) => _app.WithDbAsync(db => db.Members
        .Where(m => m.OrganizationId == (org ?? _org) && m.UserId == userId).Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync());

    [Fact]
    public async Task Admin_InvitesChangesRoleAndRemoves_ButNeverTheLastAdmin()
    {
        var invited = await _alice.PostAsync($"{Page}?handler=Add", Page, ("usernameOrEmail", "dave@example.com"), ("role", "admin"));
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        Assert.Equal($"{Page}?done=invited", invited.Headers.Location?.OriginalString);
        var listed = await _alice.GetHtmlAsync(Page);
        Assert.Contains("dave@example.com", listed, StringComparison.Ordinal);
        Assert.Contains("admin (invited)", listed, StringComparison.Ordinal);
        var empty = await _alice.PostAsync($"{Page}?handler=Add", Page, ("usernameOrEmail", " "), ("role", "member"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Enter the username or e-mail of the person to add.", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var lastAdmin = await _alice.PostAsync($"{Page}?handler=Remove", Page, ("memberId", $"{_aliceId}"));
        Assert.Equal(HttpStatusCode.Conflict, lastAdmin.StatusCode);
        Assert.Contains("An organization must keep at least one admin.", await lastAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var demoted = await _alice.PostAsync($"{Page}?handler=Role", Page, ("memberId", $"{_aliceId}"), ("role", "member"));
        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
        Assert.Equal(OrganizationRole.Admin, await RoleAsync(_aliceId));

        var promoted = await _alice.PostAsync($"{Page}?handler=Role", Page, ("memberId", $"{_carolId}"), ("role", "admin"));
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Equal(OrganizationRole.Admin, await RoleAsync(_carolId));
        var removed = await _alice.PostAsync($"{Page}?handler=Remove", Page, ("memberId", $"{_carolId}"));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Null(await RoleAsync(_carolId));
    }

    [Fact]
    public async Task Member_SeesNoAdminActions_AndTheServerRefusesThem()
    {
        using var carol = await FormClient.SignedInAsync(_app, _carolId);
        var html = await carol.GetHtmlAsync(Page);
        Assert.Contains("alice", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html.Split("<main")[1], StringComparison.Ordinal);

        // A member's page has no form to take a token from: the account page's sign-out form has one.
        var add = await carol.PostAsync($"{Page}?handler=Add", "/", ("usernameOrEmail", "mallory"), ("role", "admin"));
        var promote = await carol.PostAsync($"{Page}?handler=Role", "/", ("memberId", $"{_carolId}"), ("role", "admin"));
        var remove = await carol.PostAsync($"{Page}?handler=Remove", "/", ("memberId", $"{_aliceId}"));
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], [add.StatusCode, promote.StatusCode, remove.StatusCode]);
        Assert.Equal(OrganizationRole.Member, await RoleAsync(_carolId));
        Assert.Equal(OrganizationRole.Admin, await RoleAsync(_aliceId));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Invitations.CountAsync()));
    }

    [Fact]
    public async Task OtherTenant_Is404_AndACrossSitePost_Is400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"/organizations/{_otherOrg}/members")).StatusCode);
        var bobId = await _app.WithDbAsync(db => db.Users.Where(u => u.Username == "bob").Select(u => u.Id).SingleAsync());
        var remove = await _alice.PostAsync($"/organizations/{_otherOrg}/members?handler=Remove", Page, ("memberId", $"{bobId}"));
        Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        var notMine = await _alice.PostAsync($"{Page}?handler=Remove", Page, ("memberId", $"{bobId}"));
        Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
        Assert.Equal(OrganizationRole.Admin, await RoleAsync(bobId, _otherOrg));

        var forged = await _alice.PostWithoutTokenAsync($"{Page}?handler=Remove", ("memberId", $"{_carolId}"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(OrganizationRole.Member, await RoleAsync(_carolId));
    }
}
