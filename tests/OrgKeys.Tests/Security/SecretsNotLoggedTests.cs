using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrgKeys.ApiKeys;
using OrgKeys.Secrets;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Tests.Security;

/// <summary>
/// A full scenario with every log level on: sign-up, sign-in (right and wrong), organizations, generated,
/// custom and white label keys used, listed and revoked, invalid and mistyped keys, tampered tokens,
/// a password change and logout. Not one secret it used may appear in any log entry (message, state
/// values, scopes, exceptions) or in any error message the service answered.
/// </summary>
public sealed class SecretsNotLoggedTests : IAsyncLifetime
{
    private static readonly string ServerSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly LogCapture _logs = new();
    private readonly List<string> _errorBodies = [];
    private readonly List<(string What, string Value)> _secrets = [];
    private readonly OrgKeysApp _app;

    public SecretsNotLoggedTests() => _app = new(
        new()
        {
            ["OrgKeys:ServerSecret"] = ServerSecret,
            ["OrgKeys:Signup:Enabled"] = "true",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        },
        _logs.AddTo);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FullScenario_AtTraceLevel_LogsNoSecret_AndAnswersNone()
    {
        await RunScenarioAsync();

        // Not vacuous: the framework's own trace and debug output was captured too.
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Trace && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Debug && e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.True(_secrets.Count > 20, "the scenario used secrets");

        var leaks = (from secret in _secrets
                     from entry in _logs.Entries
                     where entry.Text.Contains(secret.Value, StringComparison.Ordinal)
                     select $"{secret.What} in a {entry.Level} entry of {entry.Category}: {entry.Text}")
            .Concat(from secret in _secrets
                    from body in _errorBodies
                    where body.Contains(secret.Value, StringComparison.Ordinal)
                    select $"{secret.What} in an error answer: {body}")
            .ToList();
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, leaks.Take(5)));
    }

    private async Task RunScenarioAsync()
    {
        Secret("server secret", ServerSecret);
        Secret("server secret (hex)", Convert.ToHexString(Convert.FromBase64String(ServerSecret)));
        var signingKey = _app.Services.GetRequiredService<ServerKeyStore>().JwtSigningKey;
        Secret("JWT signing key", Convert.ToBase64String(signingKey));
        Secret("JWT signing key (hex)", Convert.ToHexString(signingKey));

        var anonymous = Client();
        var alicePassword = "alice's password " + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var bobPassword = "bob's password " + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        Secret("alice's password", alicePassword);
        Secret("bob's password", bobPassword);
        await _app.CreateUserAsync("alice", password: alicePassword);
        await SendAsync(anonymous, HttpMethod.Post, "/v1/api-user-create",
            new { name = "Bob", username = "bob", email = "bob@example.com", password = bobPassword, privacyPolicy = true }, HttpStatusCode.OK);

        foreach (var (username, guess) in new[] { ("alice", "wrong guess at alice's password"), ("nobody", "a guess for nobody at all"), ("bob", alicePassword) })
        {
            Secret($"wrong password '{guess[..8]}…'", guess);
            await SendAsync(anonymous, HttpMethod.Post, "/v1/api-login", new { username, password = guess }, HttpStatusCode.Unauthorized);
        }

        var aliceJwt = await LoginAsync("alice", alicePassword);
        var bobJwt = await LoginAsync("bob", bobPassword);
        var alice = Client(("x-jwt-token", aliceJwt));
        var aliceByCookie = Client(("Cookie", $"jwt={aliceJwt}"));

        var org = await PostAsync(alice, "/v1/api/organizations/create", new { organizationName = "Acme" });
        var orgId = org.GetProperty("id").GetInt32();
        var adminKey = Secret("organization's first admin key", org.GetProperty("apiKey").GetString()!);
        await SendAsync(alice, HttpMethod.Post, $"/v1/api/organizations/{orgId}/members/add",
            new { usernameOrEmail = "bob", role = "member", datasets = Array.Empty<string>() }, HttpStatusCode.OK);
        await SendAsync(Client(("x-jwt-token", bobJwt)), HttpMethod.Post, $"/v1/api/user/invitations/{orgId}/accept", new { }, HttpStatusCode.OK);

        var generated = await PostAsync(alice, $"/v1/api/organizations/{orgId}/apikeys", new { name = "ci", role = "member" });
        var generatedKey = Secret("generated key", generated.GetProperty("apiKey").GetString()!);
        var customKey = Secret("custom key", "ei_custom_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant());
        var custom = await PostAsync(Client(("x-api-key", adminKey)), $"/v1/api/organizations/{orgId}/apikeys", new { name = "custom", role = "admin", apiKey = customKey, ttl = 3600 });
        await SendAsync(alice, HttpMethod.Post, $"/v1/api/organizations/{orgId}/apikeys", new { name = "again", role = "admin", apiKey = customKey }, HttpStatusCode.Conflict);

        foreach (var key in new[] { adminKey, generatedKey, customKey })
        {
            await SendAsync(Client(("x-api-key", key)), HttpMethod.Get, $"/v1/api/organizations/{orgId}/apikeys", null, HttpStatusCode.OK);
        }

        await SendAsync(aliceByCookie, HttpMethod.Get, "/v1/api/user", null, HttpStatusCode.OK);
        await SendAsync(Client(("x-jwt-token", bobJwt)), HttpMethod.Get, $"/v1/api/organizations/{orgId}", null, HttpStatusCode.OK);
        await SendAsync(alice, HttpMethod.Delete, $"/v1/api/organizations/{orgId}/apikeys/{custom.GetProperty("id").GetInt32()}", null, HttpStatusCode.OK);
        await SendAsync(Client(("x-api-key", customKey)), HttpMethod.Get, $"/v1/api/organizations/{orgId}/apikeys", null, HttpStatusCode.Unauthorized);

        // Refused credentials: an unknown key with a valid checksum, a mistyped real key, a garbage key, tampered and foreign tokens.
        var refused = new[]
        {
            Secret("unknown well-formed key", ApiKeyFormat.Generate()),
            Secret("mistyped real key", generatedKey[..^6] + (generatedKey[^6] == 'a' ? 'b' : 'a') + generatedKey[^5..]),
            Secret("garbage key", "ei_not_a_real_key_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12))),
        };
        foreach (var key in refused)
        {
            await SendAsync(Client(("x-api-key", key)), HttpMethod.Get, $"/v1/api/organizations/{orgId}/apikeys", null, HttpStatusCode.Unauthorized);
        }

        var tampered = Secret("tampered JWT", aliceJwt[..^3] + (aliceJwt[^3] == 'A' ? 'B' : 'A') + aliceJwt[^2..]);
        await SendAsync(Client(("x-jwt-token", tampered)), HttpMethod.Get, "/v1/api/user", null, HttpStatusCode.Unauthorized);
        await SendAsync(Client(("Cookie", $"jwt={tampered}")), HttpMethod.Get, "/v1/api/user", null, HttpStatusCode.Unauthorized);
        await SendAsync(Client(("x-jwt-token", aliceJwt), ("x-api-key", refused[0])), HttpMethod.Get, "/v1/api/user", null, HttpStatusCode.Unauthorized);

        await WhiteLabelAsync(alice, orgId);

        var newPassword = Secret("alice's new password", "alice's new password " + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));
        await SendAsync(alice, HttpMethod.Post, "/v1/api/user/change-password", new { currentPassword = "not my password at all", newPassword }, HttpStatusCode.BadRequest);
        await SendAsync(alice, HttpMethod.Post, "/v1/api/user/change-password", new { currentPassword = alicePassword, newPassword }, HttpStatusCode.OK);
        await SendAsync(alice, HttpMethod.Get, "/v1/api/user", null, HttpStatusCode.Unauthorized);
        var newJwt = await LoginAsync("alice", newPassword);
        await SendAsync(Client(("x-jwt-token", newJwt)), HttpMethod.Post, "/v1/api-logout", null, HttpStatusCode.OK);
        await SendAsync(Client(("x-jwt-token", newJwt)), HttpMethod.Get, "/v1/api/user", null, HttpStatusCode.Unauthorized);

        // Let the key usage writer flush what it holds, so its statements are logged too.
        await _app.Services.GetRequiredService<ApiKeyUsageTracker>().FlushAsync(
            _app.Services.CreateScope().ServiceProvider.GetRequiredService<OrgKeys.Data.OrgKeysDbContext>(), CancellationToken.None);
    }

    private async Task WhiteLabelAsync(HttpClient alice, int orgId)
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var (_, error) = await scope.ServiceProvider.GetRequiredService<WhiteLabelService>().CreateAsync("Acme", "acme.example.com", orgId, CancellationToken.None);
            Assert.Null(error);
        }

        var inner = await PostAsync(alice, $"/v1/api/organizations/{orgId}/whitelabel/organizations", new { organizationName = "Inner", adminEmail = "bob@example.com" });
        var innerId = inner.GetProperty("id").GetInt32();
        Secret("inner organization's first key", inner.GetProperty("apiKey").GetString()!);
        var minted = await PostAsync(alice, $"/v1/api/organizations/{orgId}/whitelabel/organizations/{innerId}/apiKeys", new { name = "support", role = "admin" });
        var mintedKey = Secret("white label key", minted.GetProperty("apiKey").GetString()!);
        var customMinted = Secret("custom white label key", "ei_wl_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20)));
        await PostAsync(alice, $"/v1/api/organizations/{orgId}/whitelabel/organizations/{innerId}/apiKeys", new { name = "custom", role = "member", apiKey = customMinted, ttl = 120 });

        await SendAsync(Client(("x-api-key", mintedKey)), HttpMethod.Get, $"/v1/api/organizations/{innerId}", null, HttpStatusCode.OK);
        await SendAsync(Client(("x-api-key", customMinted)), HttpMethod.Get, $"/v1/api/organizations/{innerId}/apikeys", null, HttpStatusCode.OK);
        await SendAsync(Client(("x-api-key", mintedKey)), HttpMethod.Get, $"/v1/api/organizations/{orgId}", null, HttpStatusCode.NotFound);
        await SendAsync(alice, HttpMethod.Get, $"/v1/api/organizations/{orgId}/whitelabel/organizations/{innerId}/apiKeys", null, HttpStatusCode.OK);
        await SendAsync(alice, HttpMethod.Delete, $"/v1/api/organizations/{orgId}/whitelabel/organizations/{innerId}/apiKeys/{minted.GetProperty("id").GetInt32()}", null, HttpStatusCode.OK);
        await SendAsync(Client(("x-api-key", mintedKey)), HttpMethod.Get, $"/v1/api/organizations/{innerId}", null, HttpStatusCode.Unauthorized);
        _app.Time.Advance(TimeSpan.FromSeconds(121));
        await SendAsync(Client(("x-api-key", customMinted)), HttpMethod.Get, $"/v1/api/organizations/{innerId}/apikeys", null, HttpStatusCode.Unauthorized);
    }

    /// <summary>Remembers a secret to search for: the whole value, and for keys and tokens their distinctive tail too.</summary>
    private string Secret(string what, string value)
    {
        _secrets.Add((what, value));
        if (value.StartsWith("ei_", StringComparison.Ordinal))
        {
            _secrets.Add(($"{what} (without its prefix)", value[3..]));
        }
        else if (value.Split('.') is [_, _, { Length: > 20 } signature])
        {
            _secrets.Add(($"{what} (its signature)", signature));
        }

        return value;
    }

    private async Task<string> LoginAsync(string username, string password)
    {
        var body = await PostAsync(Client(), "/v1/api-login", new { username, password });
        return Secret($"{username}'s JWT", body.GetProperty("token").GetString()!);
    }

    private HttpClient Client(params (string Header, string Value)[] headers)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        foreach (var (header, value) in headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        }

        return client;
    }

    private static async Task<System.Text.Json.JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private async Task SendAsync(HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        if (!response.IsSuccessStatusCode)
        {
            _errorBodies.Add(text);
        }
    }
}
