using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Hardening;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.KeyLimits;

/// <summary>A host whose requests come from the address a test names, behind one trusted proxy (10.0.0.2).</summary>
public sealed class PeerApp() : SharedApp(new OrgKeysApp(new() { ["OrgKeys:ForwardedHeaders:KnownProxies:0"] = "10.0.0.2" }, TestPeer.AddTo));

/// <summary>A key's IP allowlist (403 from elsewhere, judged on the real client behind trusted proxies) and the organization policy that blocks old keys.</summary>
public class AllowlistAndPolicyTests(PeerApp shared) : IClassFixture<PeerApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _alice = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        await _app.WaitForCacheAsync();
        (_, _alice) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_alice);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpStatusCode> FromAsync(string key, string path, string peer, string? forwardedFor = null, Action<string>? error = null)
    {
        using var client = _app.ClientWithKey(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(TestPeer.Header, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            error?.Invoke(await response.ReadErrorAsync());
        }

        return response.StatusCode;
    }

    [Theory]
    [InlineData("/v1/auth/check")]
    [InlineData("/v1/api/organizations/{org}")]
    public async Task Allowlist_AdmitsItsNetworks_AndRefusesAnyOtherAddressWith403(string path)
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "office", role = "admin" });
        await _app.SetRulesAsync(id, allowedIps: """["203.0.113.0/24","2001:db8::/32"]""");
        var url = path.Replace("{org}", $"{_org}");
        Assert.True((await FromAsync(key, url, "203.0.113.9")) is HttpStatusCode.OK or HttpStatusCode.NoContent);
        Assert.True((await FromAsync(key, url, "2001:db8::7")) is HttpStatusCode.OK or HttpStatusCode.NoContent);
        Assert.True((await FromAsync(key, url, "::ffff:203.0.113.10")) is HttpStatusCode.OK or HttpStatusCode.NoContent);
        var message = "";
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync(key, url, "198.51.100.1", error: e => message = e));
        Assert.Contains("may not be used from this address", message);
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync(key, url, "2001:db9::1"));
    }

    [Fact]
    public async Task Allowlist_JudgesTheRealClient_BehindATrustedProxyOnly()
    {
        var (id, key) = await _alice.AddKeyAsync(_org, new { name = "office", role = "admin" });
        await _app.SetRulesAsync(id, allowedIps: """["203.0.113.0/24"]""");
        Assert.Equal(HttpStatusCode.NoContent, await FromAsync(key, "/v1/auth/check", "10.0.0.2", forwardedFor: "203.0.113.5"));
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync(key, "/v1/auth/check", "10.0.0.2", forwardedFor: "198.51.100.1"));
        // A peer that is not a trusted proxy cannot claim an allowed address.
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync(key, "/v1/auth/check", "198.51.100.1", forwardedFor: "203.0.113.5"));
    }

    [Fact]
    public async Task APolicySetLater_BlocksAnOldKeyWith403NamingTheRule_AndRelaxingItUnblocksTheKey()
    {
        var (_, key) = await _alice.AddKeyAsync(_org, new { name = "forever", role = "admin" });
        Assert.Equal(HttpStatusCode.NoContent, await FromAsync(key, "/v1/auth/check", "203.0.113.9"));

        await SetPolicyAsync(p => p.MaxTtlSeconds = 3600);
        var message = "";
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync(key, "/v1/auth/check", "203.0.113.9", error: e => message = e));
        Assert.Contains("maxTtlSeconds", message);
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync(key, $"/v1/api/organizations/{_org}", "203.0.113.9"));
        Assert.Equal(1, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name == "forever" && k.RevokedAt == null)));

        await SetPolicyAsync(p => p.MaxTtlSeconds = null);
        Assert.Equal(HttpStatusCode.NoContent, await FromAsync(key, "/v1/auth/check", "203.0.113.9"));
    }

    /// <summary>As the policy endpoint stores it: the row, then the organization's keys forgotten on every node.</summary>
    private Task<int> SetPolicyAsync(Action<ApiKeyPolicy> change) =>
        _app.WithDbAsync(async db =>
        {
            var policy = await db.ApiKeyPolicies.FirstOrDefaultAsync(p => p.OrganizationId == _org);
            if (policy is null)
            {
                policy = new ApiKeyPolicy { OrganizationId = _org };
                db.ApiKeyPolicies.Add(policy);
            }

            change(policy);
            await db.SaveChangesAsync();
            await _app.Services.GetRequiredService<AuthCache>().PublishAsync(AuthChange.Organization(_org), db);
            return 0;
        });
}
