using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Races;

/// <summary>Fifty requests at once: the invariants hold whatever order they land in, on SQLite and PostgreSQL.</summary>
public class RaceTests : IAsyncLifetime
{
    private const int Concurrency = 50;
    private readonly OrgKeysApp _app = new(new() { ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = "0" });
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TheSameCustomKey_FiftyTimesAtOnce_IsCreatedExactlyOnce()
    {
        const string custom = "ei_raced-custom-key-0123456789abcdef";
        var responses = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i =>
            _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/apikeys", new { name = $"race {i}", role = "member", apiKey = custom })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(Concurrency - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name.StartsWith("race "))));
    }

    [Fact]
    public async Task AdminsRemovingAndDemotingEachOther_AtOnce_NeverLeaveZeroAdmins()
    {
        var admins = new List<(int Id, HttpClient Client)>();
        for (var i = 0; i < 5; i++)
        {
            var admin = await _app.SignedInUserAsync($"admin{i}");
            (await _app.JoinAsync(_admin, _org, $"admin{i}", "admin")).EnsureSuccessStatusCode();
            admins.Add(admin);
        }

        var calls = Enumerable.Range(0, Concurrency).Select(i =>
        {
            var (_, actor) = admins[i % admins.Count];
            var (targetId, _) = admins[(i + 1 + i / admins.Count) % admins.Count];
            return i % 2 == 0
                ? actor.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = targetId })
                : actor.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{targetId}/role", new { role = "member" });
        }).Append(_admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/remove", new { id = admins[0].Id }));
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.True((int)r.StatusCode < 500, $"{r.StatusCode}"));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var adminsLeft = await _app.WithDbAsync(db => db.Members.CountAsync(m => m.OrganizationId == _org && m.Role == OrganizationRole.Admin));
        Assert.True(adminsLeft >= 1, $"{adminsLeft} admins left");
    }

    [Fact]
    public async Task ARevokedKey_IsNeverAcceptedAfterTheRevocationWasAcknowledged()
    {
        var (keyId, key) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "member");
        using var withKey = _app.ClientWithKey(key);
        var acknowledged = 0L;
        var violations = 0;

        async Task UseAsync()
        {
            for (var i = 0; i < 10; i++)
            {
                var startedAfterRevocation = Interlocked.Read(ref acknowledged) != 0;
                var response = await withKey.GetAsync($"/v1/api/organizations/{_org}");
                Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}");
                if (startedAfterRevocation && response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        }

        async Task RevokeAsync()
        {
            await Task.Delay(5);
            (await _admin.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{keyId}")).EnsureSuccessStatusCode();
            Interlocked.Exchange(ref acknowledged, 1);
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency - 1).Select(_ => UseAsync()).Append(RevokeAsync()));
        Assert.Equal(0, violations);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRoleChanges_LeaveOneRolePerMember_AndAtLeastOneAdmin()
    {
        var (bobId, _) = await _app.SignedInUserAsync("bob");
        (await _app.JoinAsync(_admin, _org, "bob", "member")).EnsureSuccessStatusCode();
        var roles = new[] { "admin", "member", "guest" };
        var responses = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i =>
            _admin.PostAsJsonAsync($"/v1/api/organizations/{_org}/members/{bobId}/role", new { role = roles[i % 3] })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var members = await _app.WithDbAsync(db => db.Members.Where(m => m.OrganizationId == _org).ToListAsync());
        Assert.Equal(2, members.Count);
        Assert.Contains(members, m => m.Role == OrganizationRole.Admin);
    }
}
