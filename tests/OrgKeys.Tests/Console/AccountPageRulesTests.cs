using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>The account page's server-side rules, without a browser: the API's password change, its throttle, antiforgery, queries.</summary>
public sealed class AccountPageRulesTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private const string NewPassword = "a brand new and long passphrase";
    private const string Handler = "/account?handler=Password";
    private readonly OrgKeysApp _app = shared.App;
    private int _aliceId;
    private FormClient _alice = null!;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _aliceId = await _app.CreateUserAsync("alice");
        _alice = await FormClient.SignedInAsync(_app, _aliceId);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string password)
    {
        using var client = _app.CreateClient();
        return (await client.PostAsJsonAsync("/v1/api-login", new { username = "alice", password })).StatusCode;
    }

    private Task<string> PasswordHashAsync() => _app.WithDbAsync(db => db.Users.Where(u => u.Id == _aliceId).Select(u => u.PasswordHash).SingleAsync());

    [Fact]
    public async Task ChangePassword_EndsTheOtherSessions_AndSignsThisBrowserInAgain()
    {
        using var otherSession = _app.ClientWithJwt(await _app.IssueSessionTokenAsync(_aliceId));
        Assert.Equal(HttpStatusCode.OK, (await otherSession.GetAsync("/v1/api/user")).StatusCode);

        var changed = await _alice.PostAsync(Handler, "/account", ("currentPassword", OrgKeysApp.Password), ("newPassword", NewPassword));

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/account?done=password", changed.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherSession.GetAsync("/v1/api/user")).StatusCode);
        var cookie = changed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("jwt=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        using var browser = new FormClient(_app, cookie.Split(';')[0]["jwt=".Length..]);
        Assert.Contains("Password changed.", await browser.GetHtmlAsync("/account?done=password"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync(NewPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(OrgKeysApp.Password));
    }

    [Fact]
    public async Task WrongCurrentPassword_Or_ShortNewOne_Is400_ChangesNothing_AndWrongOnesAreThrottled()
    {
        var hash = await PasswordHashAsync();
        var shortOne = await _alice.PostAsync(Handler, "/account", ("currentPassword", OrgKeysApp.Password), ("newPassword", "short"));
        Assert.Equal(HttpStatusCode.BadRequest, shortOne.StatusCode);
        Assert.Contains("Choose a new password of 15 to 256 characters.", await shortOne.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            var wrong = await _alice.PostAsync(Handler, "/account", ("currentPassword", "not my password at all"), ("newPassword", NewPassword));
            statuses.Add(wrong.StatusCode);
            if (i == 0)
            {
                Assert.Contains("That is not your current password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        // The API's rule: five free failures on the account, then each attempt waits, the right password too.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var throttled = await _alice.PostAsync(Handler, "/account", ("currentPassword", OrgKeysApp.Password), ("newPassword", NewPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter is not null);
        Assert.Contains("Too many wrong passwords; try again in", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(hash, await PasswordHashAsync());
    }

    [Fact]
    public async Task CrossSitePost_Is400_AndSignedOutIsSentToSignIn_BothChangingNothing()
    {
        var forged = await _alice.PostWithoutTokenAsync(Handler, ("currentPassword", OrgKeysApp.Password), ("newPassword", NewPassword));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        using var anonymous = _app.CreateClient(new() { AllowAutoRedirect = false });
        var page = await anonymous.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Faccount", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync(OrgKeysApp.Password));
    }

    [Fact]
    public async Task AccountPage_ListsTheOrganizations_InTheSameQueriesForNoneOrMany()
    {
        await _alice.GetHtmlAsync("/account");
        var before = _app.Commands.Count;
        var none = await _alice.GetHtmlAsync("/account");
        var forNone = _app.Commands.Count - before;
        Assert.Contains("You are not a member of any organization yet.", none, StringComparison.Ordinal);

        using var api = _app.ClientWithJwt(await _app.IssueSessionTokenAsync(_aliceId));
        for (var i = 0; i < 5; i++)
        {
            await OrgKeysApp.CreateOrganizationAsync(api, $"Org {i}");
        }

        before = _app.Commands.Count;
        var many = await _alice.GetHtmlAsync("/account");
        var forMany = _app.Commands.Count - before;
        Assert.Contains("Org 4", many, StringComparison.Ordinal);
        Assert.Contains("href=\"/connected-applications\"", many, StringComparison.Ordinal);
        Assert.True(forMany == forNone && forMany <= 3, $"{forMany} queries for five organizations, {forNone} for none");
        Assert.Contains("Org 4", await _alice.GetHtmlAsync("/"), StringComparison.Ordinal); // the home page is the same page
    }
}
