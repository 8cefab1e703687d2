using System.Net;
using System.Net.Http.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Security;

/// <summary>A whole scenario with every log line captured at every level: no secret it used appears in any of them.</summary>
public class SecretsInLogsTests : IAsyncLifetime
{
    private const string CustomKey = "ei_custom-secret-key-for-the-log-test-0123456789";
    private const string NewPassword = "another long passphrase for the log test";
    private readonly OrgKeysApp _app = new OrgKeysApp().CaptureLogs();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task NoKeyPasswordOrTokenIsEverLogged()
    {
        var secrets = new List<string> { OrgKeysApp.Password, NewPassword, CustomKey };
        await _app.CreateUserAsync("alice");
        var jwt = await _app.LoginAsync("alice");
        secrets.Add(jwt);
        using var alice = _app.ClientWithJwt(jwt);
        var (org, adminKey) = await OrgKeysApp.CreateOrganizationAsync(alice);
        secrets.Add(adminKey);
        var (keyId, generated) = await OrgKeysApp.CreateKeyAsync(alice, org, role: "member", ttl: 60);
        secrets.Add(generated);
        await OrgKeysApp.CreateKeyAsync(alice, org, apiKey: CustomKey);

        foreach (var key in new[] { adminKey, generated, CustomKey })
        {
            using var withKey = _app.ClientWithKey(key);
            Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{org}/apikeys")).StatusCode);
        }

        using var anonymous = _app.CreateClient();
        await anonymous.PostAsJsonAsync("/v1/api-login", new { username = "alice", password = "a wrong password, long enough" });
        await anonymous.PostAsJsonAsync("/v1/api-login", new { username = "nobody", password = OrgKeysApp.Password });
        using var madeUp = _app.ClientWithKey(generated[..^4] + "0000");
        await madeUp.GetAsync($"/v1/api/organizations/{org}");
        using var tampered = _app.ClientWithJwt(jwt[..^3] + "abc");
        await tampered.GetAsync("/v1/api/user");
        (await alice.DeleteAsync($"/v1/api/organizations/{org}/apikeys/{keyId}")).EnsureSuccessStatusCode();
        using var revoked = _app.ClientWithKey(generated);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        (await alice.PostAsJsonAsync("/v1/api/user/change-password", new { currentPassword = OrgKeysApp.Password, newPassword = NewPassword }))
            .EnsureSuccessStatusCode();
        await anonymous.PostAsync("/v1/api-login", new StringContent($"{{\"username\":\"alice\",\"password\":\"{NewPassword}\"", System.Text.Encoding.UTF8, "application/json"));

        var lines = _app.Logs!.Lines.ToList();
        Assert.True(lines.Count > 50, $"only {lines.Count} log lines captured");
        // The JWT's signature alone is as good as the token for an attacker who sees one log line.
        secrets.Add(jwt.Split('.')[2]);
        var leaks = (from secret in secrets
                     from line in lines
                     where line.Contains(secret, StringComparison.Ordinal)
                     select $"{secret[..6]}… in: {line[..Math.Min(line.Length, 300)]}").ToList();
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks.Take(5)));
    }
}
