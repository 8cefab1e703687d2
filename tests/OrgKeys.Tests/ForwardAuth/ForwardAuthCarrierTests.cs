using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data.Entities;
using OrgKeys.Observability;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.ForwardAuth;

/// <summary>
/// A carrier the service has never heard of, with its own kind of caller and its own refusal, is
/// registered from the test host alone: the fast path and the endpoint answer for it, and alike.
/// </summary>
public class ForwardAuthCarrierTests
{
    private const string Check = "/v1/auth/check";

    /// <summary><c>x-test-credential: member-of-ID</c> is a member of organization ID; anything else is refused.</summary>
    private sealed class TestCarrier : ICredentialCarrier
    {
        public const string Header = "x-test-credential";
        public static readonly Refusal Refused = new("This test credential is not accepted here.", AuthOutcome.Invalid);

        private int _fullVerifications;

        public int FullVerifications => Volatile.Read(ref _fullVerifications);

        public string MetricLabel => "x-test-credential";

        public bool IsPresent(HttpRequest request) => request.Headers.ContainsKey(Header);

        public CredentialVerdict? VerifyCached(HttpRequest request) => Verdict(request);

        public ValueTask<CredentialVerdict> VerifyAsync(HttpContext http)
        {
            Interlocked.Increment(ref _fullVerifications);
            return ValueTask.FromResult(Verdict(http.Request));
        }

        private static CredentialVerdict Verdict(HttpRequest request) =>
            request.Headers[Header] is [{ } value] && value.StartsWith("member-of-", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan("member-of-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId)
                ? CredentialVerdict.Accepted(new TestCaller(organizationId))
                : CredentialVerdict.Refused(Refused);
    }

    private sealed record TestCaller(int OrganizationId) : Caller
    {
        public override string Subject => $"test:{OrganizationId}";

        public override bool TryResolveCached(int? wantedOrganization, AuthCache cache, DateTimeOffset now, out CallerAccess access)
        {
            access = new CallerAccess(OrganizationId, OrganizationRole.Member);
            return true;
        }

        public override ValueTask<CallerAccess> ResolveAsync(int? wantedOrganization, AccessLookup lookup, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CallerAccess(OrganizationId, OrganizationRole.Member));

        public override CallerIdentity ToIdentity(string scheme) => new TestIdentity(this, scheme);
    }

    private sealed class TestIdentity(TestCaller caller, string scheme) : CallerIdentity(caller, new Claim("test", caller.Subject), scheme);

    private static OrgKeysApp App(bool fastPath) => new(
        new() { ["OrgKeys:ForwardAuth:FastPath"] = fastPath ? "true" : "false" },
        services => services.AddCredentialCarrier<TestCarrier>("TestCredential"));

    private static async Task<string> SendAsync(OrgKeysApp app, string query, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Check + query);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var client = app.CreateClient();
        using var response = await client.SendAsync(request);
        return await ForwardAuthFastPathTests.DescribeAsync($"{string.Join(",", headers)} {query}", response);
    }

    [Fact]
    public async Task MadeUpCarrier_IsAnsweredByTheFastPath_AsByTheEndpoint()
    {
        await using var without = App(fastPath: false);
        await using var with = App(fastPath: true);
        var member = (TestCarrier.Header, "member-of-7");
        var refused = (TestCarrier.Header, "forged");

        // Accepted and refused from memory: the fast path answers without the full verification.
        (string Query, (string, string) Credential)[] answered = [("", member), ("?organization=7&role=member", member), ("", refused)];
        var fast = new List<string>();
        var slow = new List<string>();
        foreach (var (query, credential) in answered)
        {
            fast.Add(await SendAsync(with, query, credential));
            slow.Add(await SendAsync(without, query, credential));
        }

        Assert.Equal(0, with.Services.GetRequiredService<TestCarrier>().FullVerifications);
        Assert.Equal(answered.Length, without.Services.GetRequiredService<TestCarrier>().FullVerifications);

        // What the fast path leaves to the endpoint: a 403, a 400, several credentials.
        foreach (var (query, headers) in new[]
        {
            ("?organization=7&role=admin", new[] { member }),
            ("?organization=8", new[] { member }),
            ("?role=owner", new[] { member }),
            ("", new[] { member, ("x-api-key", "ei_made-up-custom-key-that-nobody-created") }),
        })
        {
            fast.Add(await SendAsync(with, query, headers));
            slow.Add(await SendAsync(without, query, headers));
        }

        Assert.Equal(slow, fast);
        foreach (var expected in new[] { "=> 204 ", "| X-OrgKeys-Organization: 7 |", "| X-OrgKeys-Role: member |", "| X-OrgKeys-Subject: test:7 |" })
        {
            Assert.Contains(expected, fast[0], StringComparison.Ordinal);
        }

        Assert.Contains("=> 401", fast[2], StringComparison.Ordinal);
        Assert.Contains(TestCarrier.Refused.Message, fast[2], StringComparison.Ordinal);
        Assert.Contains("=> 403", fast[3], StringComparison.Ordinal);
        Assert.Contains("=> 400", fast[5], StringComparison.Ordinal);
        Assert.Contains("Invalid API key.", fast[6], StringComparison.Ordinal);
    }
}
