using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Authentication;
using OrgKeys.Tests.HotPath;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ForwardAuth;

/// <summary>
/// <c>/v1/auth/check</c> answers a cached API key without ASP.NET Core's authentication and
/// authorization. These tests hold it to the endpoint's answers: the same scenario runs on a service
/// with the fast path and on one without it, and every response (status, headers, body) must match.
/// </summary>
public class ForwardAuthFastPathTests
{
    private const string Check = "/v1/auth/check";

    /// <summary>Counts how often a credential's authentication handler is asked for: at least once per request the fast path left to it.</summary>
    private sealed class CountingHandlerProvider(IAuthenticationSchemeProvider schemes, HandlerCount count) : IAuthenticationHandlerProvider
    {
        private readonly AuthenticationHandlerProvider _inner = new(schemes);

        public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme)
        {
            if (authenticationScheme != AuthSchemes.Default)
            {
                count.Increment();
            }

            return _inner.GetHandlerAsync(context, authenticationScheme);
        }
    }

    private sealed class HandlerCount
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    /// <param name="fastPath">On, or off as the baseline.</param>
    /// <param name="count">Where the handler's runs are counted.</param>
    /// <param name="guardLimit">The flood guard's refusals per window; 0 turns it off.</param>
    private static OrgKeysApp App(bool fastPath, HandlerCount count, int guardLimit = 40) => new(
        new()
        {
            ["OrgKeys:ForwardAuth:FastPath"] = fastPath ? "true" : "false",
            ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = $"{guardLimit}",
        },
        services =>
        {
            services.AddSingleton(count);
            services.AddScoped<IAuthenticationHandlerProvider, CountingHandlerProvider>();
        });

    [Fact]
    public async Task FastPath_AnswersEveryCase_AsTheEndpointDoes()
    {
        var withoutCount = new HandlerCount();
        await using var without = App(fastPath: false, withoutCount);
        var withCount = new HandlerCount();
        await using var with = App(fastPath: true, withCount);

        var expected = await TranscriptAsync(without);
        var actual = await TranscriptAsync(with);

        Assert.True(expected.Count > 80, $"the scenario ran {expected.Count} requests");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"without the fast path:\n{expected[i]}\nwith it:\n{actual[i]}");
        }

        // And the fast path did answer some of them: fewer reached the authentication handler.
        Assert.InRange(withCount.Value, 1, withoutCount.Value - 40);
    }

    /// <summary>Off, every one of the 120 checks asks for its handler (a refusal asks twice).</summary>
    [Theory]
    [InlineData(true, 0, 0)]
    [InlineData(false, 120, 240)]
    public async Task CachedVerdicts_NeverReachTheAuthenticationHandler(bool fastPath, int leastRuns, int mostRuns)
    {
        var count = new HandlerCount();
        await using var app = App(fastPath, count, guardLimit: 0);
        var (_, alice) = await app.SignedInUserAsync("alice");
        var (org, adminKey) = await OrgKeysApp.CreateOrganizationAsync(alice);
        var (revokedId, revoked) = await OrgKeysApp.CreateKeyAsync(alice, org, "member");
        (await alice.DeleteAsync($"/v1/api/organizations/{org}/apikeys/{revokedId}")).EnsureSuccessStatusCode();
        var cases = new[]
        {
            (Key: adminKey, Query: $"?organization={org}&role=admin", Status: HttpStatusCode.NoContent),
            (Key: revoked, Query: "", Status: HttpStatusCode.Unauthorized),
            (Key: "ei_made-up-custom-key-that-nobody-created", Query: "", Status: HttpStatusCode.Unauthorized),
        };
        var jwt = await app.LoginAsync("alice");
        await app.CreateUserAsync("carol");
        var ended = await app.LoginAsync("carol");
        using (var logout = app.ClientWithJwt(ended))
        {
            (await logout.PostAsync("/v1/api-logout", null)).EnsureSuccessStatusCode();
        }

        await app.SettleAsync();
        var sessions = new[]
        {
            (Header: "x-jwt-token", Value: jwt, Query: $"?organization={org}&role=admin", Status: HttpStatusCode.NoContent),
            (Header: "Cookie", Value: $"jwt={jwt}", Query: "", Status: HttpStatusCode.NoContent),
            (Header: "x-jwt-token", Value: ended, Query: "", Status: HttpStatusCode.Unauthorized),
        };
        foreach (var (key, query, status) in cases)
        {
            using var warm = app.ClientWithKey(key);
            Assert.Equal(status, (await warm.GetAsync(Check + query)).StatusCode);
        }

        foreach (var (header, value, query, status) in sessions)
        {
            using var warm = app.ClientWith(header, value);
            Assert.Equal(status, (await warm.GetAsync(Check + query)).StatusCode);
        }

        var before = count.Value;
        foreach (var (header, value, query, status) in sessions)
        {
            using var client = app.ClientWith(header, value);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(status, (await client.GetAsync(Check + query)).StatusCode);
            }
        }

        foreach (var (key, query, status) in cases)
        {
            using var withKey = app.ClientWithKey(key);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(status, (await withKey.GetAsync(Check + query)).StatusCode);
            }
        }

        Assert.InRange(count.Value - before, leastRuns, mostRuns);
    }

    /// <summary>
    /// Every kind of check, each sent three times (the first may fill the cache; the others are
    /// answered from it), then a flood of made-up keys up to and past the flood guard's 429.
    /// </summary>
    private static async Task<List<string>> TranscriptAsync(OrgKeysApp app)
    {
        await app.WaitForCacheAsync();
        var (_, alice) = await app.SignedInUserAsync("alice");
        var (org, adminKey) = await OrgKeysApp.CreateOrganizationAsync(alice);
        var (_, bob) = await app.SignedInUserAsync("bob");
        var (other, otherKey) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other");
        const string member = "ei_fast-path-member-key-0123456789abcdef";
        const string revoked = "ei_fast-path-revoked-key-0123456789abcdef";
        const string expiring = "ei_fast-path-expiring-key-0123456789abcdef";
        await OrgKeysApp.CreateKeyAsync(alice, org, "member", apiKey: member);
        var (revokedId, _) = await OrgKeysApp.CreateKeyAsync(alice, org, "admin", apiKey: revoked);
        await OrgKeysApp.CreateKeyAsync(alice, org, "member", ttl: 60, apiKey: expiring);
        var jwt = await app.LoginAsync("alice");

        var transcript = new List<string>();
        async Task SendAsync(string label, string query, params (string Name, string Value)[] headers)
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Check + query);
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var client = app.CreateClient();
                using var response = await client.SendAsync(request);
                transcript.Add(await DescribeAsync($"{label} {query} #{i}", response));
            }
        }

        var queries = new[]
        {
            "", $"?organization={org}", $"?organization={org}&role=admin", $"?organization={org}&role=member", "?role=guest",
            "?role=admin", $"?organization={other}", "?organization=999999", $"?ORGANIZATION={org}&Role=admin",
            $"?organization={org}&organization={org}", "?organization=", "?organization=abc", "?role=owner", "?role=",
            "?organization=%00", "?unrelated=1",
        };
        var bobJwt = await app.LoginAsync("bob");
        foreach (var query in queries)
        {
            await SendAsync("admin key", query, ("x-api-key", adminKey));
            await SendAsync("member key", query, ("x-api-key", member));
            await SendAsync("JWT", query, ("x-jwt-token", jwt));
            await SendAsync("JWT cookie", query, ("Cookie", $"jwt={jwt}"));
            await SendAsync("JWT of a non-member", query, ("x-jwt-token", bobJwt));
        }

        // A session that ends: the user logs out (which ends all their sessions), then a token that was good is refused.
        await app.CreateUserAsync("carol");
        var ending = await app.LoginAsync("carol");
        await SendAsync("JWT, before logout", "", ("x-jwt-token", ending));
        using (var logout = app.ClientWithJwt(ending))
        {
            (await logout.PostAsync("/v1/api-logout", null)).EnsureSuccessStatusCode();
        }

        await SendAsync("JWT after logout", $"?organization={org}", ("x-jwt-token", ending));
        await SendAsync("JWT cookie after logout", "", ("Cookie", $"jwt={ending}"));
        await SendAsync("JWT after logout, bad query", "?role=owner", ("x-jwt-token", ending));

        await SendAsync("other organization's key", $"?organization={org}", ("x-api-key", otherKey));
        await SendAsync("expiring key", "?role=guest", ("x-api-key", expiring));
        await SendAsync("revoked key, before", "", ("x-api-key", revoked));
        (await alice.DeleteAsync($"/v1/api/organizations/{org}/apikeys/{revokedId}")).EnsureSuccessStatusCode();
        app.Time.Advance(TimeSpan.FromSeconds(61));
        await SendAsync("revoked key", "", ("x-api-key", revoked));
        await SendAsync("revoked key, bad query", "?organization=abc", ("x-api-key", revoked));
        await SendAsync("expired key", "?role=guest", ("x-api-key", expiring));
        await SendAsync("made-up custom key", "", ("x-api-key", "ei_made-up-custom-key-that-nobody-created"));
        await SendAsync("made-up generated-shape key", "", ("x-api-key", "ei_" + new string('0', 64)));
        await SendAsync("not a key", "", ("x-api-key", "not a key"));
        await SendAsync("empty key", "", ("x-api-key", ""));
        await SendAsync("key and Bearer", "", ("x-api-key", adminKey), ("Authorization", "Bearer some-oauth-token"));
        await SendAsync("key and Basic", "", ("x-api-key", adminKey), ("Authorization", "Basic dXNlcjpwYXNz"));
        await SendAsync("key and JWT", "", ("x-api-key", member), ("x-jwt-token", jwt));
        await SendAsync("key and bad JWT", "", ("x-api-key", member), ("x-jwt-token", "not.a.jwt"));
        await SendAsync("key and cookie", "", ("x-api-key", member), ("Cookie", $"jwt={jwt}"));
        await SendAsync("two keys", "", ("x-api-key", member), ("x-api-key", adminKey));
        await SendAsync("nothing", "");
        await SendAsync("empty JWT", "", ("x-jwt-token", ""));
        await SendAsync("empty JWT cookie", "", ("Cookie", "jwt="));
        await SendAsync("other cookie", "", ("Cookie", "theme=dark"));
        await SendAsync("JWT signed by someone else", "", ("x-jwt-token", jwt[..^4] + "AAAA"));
        app.Time.Advance(TimeSpan.FromDays(31));
        await SendAsync("expired JWT", $"?organization={org}", ("x-jwt-token", jwt));
        await SendAsync("expired JWT cookie", "", ("Cookie", $"jwt={jwt}"));
        for (var i = 0; i < 8; i++)
        {
            await SendAsync("flood", $"?n={i}", ("x-api-key", $"ei_made-up-flood-key-number-{i}-0123456789"));
        }

        return transcript;
    }

    internal static async Task<string> DescribeAsync(string label, HttpResponseMessage response)
    {
        var text = new StringBuilder().Append(label).Append(" => ").Append((int)response.StatusCode);
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            text.Append(" | ").Append(name).Append(": ").Append(string.Join(",", values));
        }

        return text.Append(" | ").Append(await response.Content.ReadAsStringAsync()).ToString();
    }

    [Fact]
    public async Task WithoutItsMarker_NoEndpointIsAnsweredByTheFastPath()
    {
        // The same key at another endpoint goes through authentication every time.
        var count = new HandlerCount();
        await using var app = App(fastPath: true, count);
        var (_, alice) = await app.SignedInUserAsync("alice");
        var (org, adminKey) = await OrgKeysApp.CreateOrganizationAsync(alice);
        using var withKey = app.ClientWithKey(adminKey);
        var before = count.Value;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }

        Assert.Equal(before + 5, count.Value);
    }
}
