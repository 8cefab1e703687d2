using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Hardening;

/// <summary>
/// Issue 14, finding 5: the client address (audit log, <c>lastUsed</c>, throttles) comes from
/// <c>X-Forwarded-For</c> only when the peer is a proxy named in <c>OrgKeys:ForwardedHeaders</c>;
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> (the setting <c>FORWARDEDHEADERS_ENABLED</c>) cannot undo that.
/// </summary>
public class TrustedProxyTests
{
    private const string EnvSwitch = "FORWARDEDHEADERS_ENABLED";

    private static OrgKeysApp App(Dictionary<string, string?> settings) => new(settings, TestPeer.AddTo);

    /// <summary>Creates an organization from <paramref name="peer"/> claiming <paramref name="forwardedFor"/>; the addresses its audit log recorded.</summary>
    private static async Task<List<string?>> AuditedAddressesAsync(OrgKeysApp app, string peer, string? forwardedFor)
    {
        var token = await app.LoginAsync("alice");
        using var client = app.ClientWithJwt(token);
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/api/organizations/create") { Content = JsonContent.Create(new { organizationName = "Acme" }) };
        create.Headers.Add(TestPeer.Header, peer);
        if (forwardedFor is not null)
        {
            create.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        var created = await client.SendAsync(create);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var org = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        var log = await (await client.GetAsync($"/v1/api/organizations/{org}/audit")).ReadJsonAsync();
        return [.. log.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("address").GetString())];
    }

    [Theory]
    [InlineData(null)]
    [InlineData("true")]
    public async Task WithoutTrustedProxies_ForwardedHeadersAreIgnored(string? envSwitch)
    {
        await using var app = App(new() { [EnvSwitch] = envSwitch });
        await app.CreateUserAsync("alice");
        var addresses = await AuditedAddressesAsync(app, "203.0.113.9", "198.51.100.1");
        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.Equal("203.0.113.9", a));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("true")]
    public async Task ATrustedProxy_GivesTheClientAddress_ToTheAuditLogAndLastUsed(string? envSwitch)
    {
        await using var app = App(new() { ["OrgKeys:ForwardedHeaders:KnownProxies:0"] = "10.0.0.2", [EnvSwitch] = envSwitch });
        await app.CreateUserAsync("alice");
        Assert.All(await AuditedAddressesAsync(app, "10.0.0.2", "198.51.100.1"), a => Assert.Equal("198.51.100.1", a));
        // A peer that is not the proxy is its own client, whatever it claims.
        Assert.All(await AuditedAddressesAsync(app, "203.0.113.9", "198.51.100.1"), a => Assert.Equal("203.0.113.9", a));

        var (_, alice) = await app.SignedInUserAsync("bob");
        var (org, key) = await OrgKeysApp.CreateOrganizationAsync(alice);
        using var viaProxy = app.ClientWithKey(key);
        using var use = new HttpRequestMessage(HttpMethod.Get, $"/v1/api/organizations/{org}");
        use.Headers.Add(TestPeer.Header, "10.0.0.2");
        use.Headers.Add("X-Forwarded-For", "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, (await viaProxy.SendAsync(use)).StatusCode);
        var keys = await (await alice.GetAsync($"/v1/api/organizations/{org}/apikeys")).ReadJsonAsync();
        var lastUsed = keys.GetProperty("apiKeys").EnumerateArray()
            .Select(k => k.TryGetProperty("lastUsed", out var used) ? used : default)
            .Single(u => u.ValueKind == System.Text.Json.JsonValueKind.Object);
        Assert.Equal("198.51.100.7", lastUsed.GetProperty("ipAddress").GetString());
    }

    [Fact]
    public async Task ATrustedNetwork_GivesTheClientAddress()
    {
        await using var app = App(new() { ["OrgKeys:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8" });
        await app.CreateUserAsync("alice");
        Assert.All(await AuditedAddressesAsync(app, "10.9.8.7", "198.51.100.1"), a => Assert.Equal("198.51.100.1", a));
    }

    [Theory]
    [InlineData("OrgKeys:ForwardedHeaders:KnownProxies:0", "not-an-address")]
    [InlineData("OrgKeys:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    public async Task AnInvalidSetting_StopsTheServiceFromStarting(string key, string value)
    {
        await using var app = App(new() { [key] = value });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("OrgKeys:ForwardedHeaders", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatingXForwardedFor_DoesNotDodgeTheFloodGuard_EvenWithTheEnvSwitch()
    {
        await using var app = App(new() { ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = "10", [EnvSwitch] = "true" });
        using var attacker = app.ClientWithKey("ei_a-well-formed-custom-key-that-is-unknown");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 11; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/api/organizations/1");
            request.Headers.Add(TestPeer.Header, "203.0.113.9");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            last = await attacker.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
    }
}
