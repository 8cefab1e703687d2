using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Observability;

/// <summary>
/// OpenTelemetry listens to meters by name, process-wide: with other test servers running beside
/// it, a scrape could read their counters. These tests run alone.
/// </summary>
[CollectionDefinition(nameof(AloneInTheProcess), DisableParallelization = true)]
public sealed class AloneInTheProcess;

/// <summary>
/// <c>/metrics</c> in Prometheus' text format: request metrics, credentials checked by scheme and
/// reason, cache hits and key creations, each counted exactly; and shown only to this machine.
/// </summary>
[Collection(nameof(AloneInTheProcess))]
public class MetricsTests : IAsyncLifetime
{
    // Off the public port unless asked for (issue 14): this machine is listed.
    private readonly OrgKeysApp _app = new(new() { ["OrgKeys:Metrics:AllowedAddresses:0"] = "127.0.0.1" }, services => services.AddSingleton<IStartupFilter, PeerFromHeader>());
    private HttpClient _alice = null!;
    private int _org;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        (_, _alice) = await _app.SignedInUserAsync("alice");
        (_org, _adminKey) = await OrgKeysApp.CreateOrganizationAsync(_alice);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CredentialsChecked_AreCounted_ByScheme_ResultAndReason()
    {
        // A scrape reads every live meter named OrgKeys in the process, so a host another class has not yet
        // let go of shows its own series too (Value sums them: its counts cancel out in the delta). Collect
        // unreachable ones now, while no other test runs, so none is finalized between the two scrapes.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = await ScrapeAsync();
        var (keyId, key) = await OrgKeysApp.CreateKeyAsync(_alice, _org, role: "member");
        await _app.SettleAsync(); // on PostgreSQL, the creation's echo must not land between the key's uses
        using (var withKey = _app.ClientWithKey(key))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.NoContent, (await withKey.GetAsync("/v1/auth/check")).StatusCode);
            }
        }

        using (var madeUp = _app.ClientWithKey("not a key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await madeUp.GetAsync("/v1/auth/check")).StatusCode);
        }

        (await _alice.DeleteAsync($"/v1/api/organizations/{_org}/apikeys/{keyId}")).EnsureSuccessStatusCode();
        using (var revoked = _app.ClientWithKey(key))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/v1/auth/check")).StatusCode);
        }

        using (var tampered = _app.ClientWithJwt(await _app.LoginAsync("alice") + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await tampered.GetAsync("/v1/auth/check")).StatusCode);
        }

        var after = await ScrapeAsync();
        Assert.Equal(3, Delta(before, after, "orgkeys_authentications_total", "reason=\"accepted\",result=\"accepted\",scheme=\"x-api-key\""));
        Assert.Equal(1, Delta(before, after, "orgkeys_authentications_total", "reason=\"malformed\",result=\"refused\",scheme=\"x-api-key\""));
        Assert.Equal(1, Delta(before, after, "orgkeys_authentications_total", "reason=\"revoked\",result=\"refused\",scheme=\"x-api-key\""));
        Assert.Equal(1, Delta(before, after, "orgkeys_authentications_total", "reason=\"invalid\",result=\"refused\",scheme=\"x-jwt-token\""));
        Assert.Equal(1, Delta(before, after, "orgkeys_api_keys_created_total", "origin=\"organization\""));
        // The first use loaded the key, the other uses found it in the cache.
        Assert.True(Delta(before, after, "orgkeys_auth_cache_lookups_total", "cache=\"api_keys\",result=\"hit\"") >= 2, after);
        Assert.Matches(new Regex("^orgkeys_auth_cache_hit_ratio\\{[^}]*cache=\"api_keys\"[^}]*\\} 0?\\.\\d+", RegexOptions.Multiline), after);
        Assert.Matches(new Regex("^http_server_request_duration_seconds_count\\{[^}]*http_route=\"/v1/auth/check\"", RegexOptions.Multiline), after);
    }

    /// <summary>The health probe is answered at routing, before the rest of the pipeline; the host still counts it under its route.</summary>
    [Fact]
    public async Task HealthProbes_AreCounted_UnderTheirRoute()
    {
        using var anonymous = _app.CreateClient();
        (await anonymous.GetAsync("/v1/api-health")).EnsureSuccessStatusCode();

        Assert.Matches(new Regex("^http_server_request_duration_seconds_count\\{[^}]*http_route=\"/v1/api-health\"[^}]*\\} [1-9]", RegexOptions.Multiline), await ScrapeAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("203.0.113.7")]
    [InlineData("10.0.0.1")]
    public async Task OtherMachines_GetA404(string? peer)
    {
        using var client = _app.CreateClient();
        using var request = ScrapeFrom(peer);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("orgkeys_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    public async Task ALoopbackCaller_ThatAProxyForwarded_GetsA404(string header, string value)
    {
        using var client = _app.CreateClient();
        using var request = ScrapeFrom("127.0.0.1");
        request.Headers.Add(header, value);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task WithAPortOfTheirOwn_OtherPortsGetA404_EvenFromLoopback()
    {
        await using var app = new OrgKeysApp(new() { ["OrgKeys:Metrics:Port"] = "9464" }, services => services.AddSingleton<IStartupFilter, PeerFromHeader>());
        using var client = app.CreateClient();
        using var request = ScrapeFrom("127.0.0.1");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
    }

    private async Task<string> ScrapeAsync()
    {
        using var client = _app.CreateClient();
        using var request = ScrapeFrom("127.0.0.1");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    private static HttpRequestMessage ScrapeFrom(string? peer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (peer is not null)
        {
            request.Headers.Add(PeerFromHeader.Header, peer);
        }

        return request;
    }

    private static double Delta(string before, string after, string name, string labels) => Value(after, name, labels) - Value(before, name, labels);

    /// <summary>The sum over every series of that name whose labels include these (one per live host in the process).</summary>
    private static double Value(string scrape, string name, string labels) =>
        Regex.Matches(scrape, $"^{Regex.Escape(name)}\\{{[^}}]*{Regex.Escape(labels)}[^}}]*\\}} (\\S+)", RegexOptions.Multiline)
            .Sum(match => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    /// <summary>The test server has no socket: the peer address a request claims comes from a test-only header.</summary>
    private sealed class PeerFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Peer";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(Header, out var peer) && IPAddress.TryParse(peer, out var address))
                {
                    http.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
