using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.OAuth;
using OrgKeys.Tests.Storage;

namespace OrgKeys.Tests.Security;

/// <summary>
/// Every OAuth secret a scenario handles (a client secret, an authorization code, access, refresh and ID
/// tokens of every grant) with every log level on: none appears in a log entry, and none that works as
/// presented can be read from any cell of the database.
/// </summary>
public sealed class OAuthSecretsTests : IAsyncLifetime
{
    private const string Verifier = "oauth-secrets-test-code-verifier-0123456789-abcdefghijklm";
    private readonly LogCapture _logs = new();
    private readonly List<(string What, string Value)> _secrets = [];
    private readonly OrgKeysApp _app;

    public OAuthSecretsTests() => _app = new(
        new()
        {
            ["OrgKeys:OAuth:RequireHttps"] = "false",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
            ["Logging:LogLevel:OpenIddict"] = "Trace",
        },
        _logs.AddTo);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryGrant_AtTraceLevel_LeavesNoSecretInTheLogsOrTheDatabase()
    {
        var (userId, admin, jwt, org) = await OAuthTestHost.AdminAsync(_app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "password", "client_credentials", "authorization_code", "refresh_token");
        Secret("client secret", secret!);

        var password = await OAuthTestHost.PasswordTokensAsync(_app, clientId, secret!, "alice", "openid offline_access user:read");
        Tokens("password grant", password);
        var refreshed = await OAuthTestHost.TokenOkAsync(_app, ("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret!),
            ("refresh_token", password.GetProperty("refresh_token").GetString()!));
        Tokens("refresh grant", refreshed);
        var clientToken = Secret("client credentials access token", await OAuthTestHost.ClientCredentialsTokenAsync(_app, clientId, secret!));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(clientId);
            await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().CreateAsync(new ClaimsPrincipal(new ClaimsIdentity()),
                userId.ToString(CultureInfo.InvariantCulture), (await applications.GetIdAsync(application!))!,
                OpenIddictConstants.AuthorizationTypes.Permanent, ["openid", "user:read"]);
        }

        using var browser = OAuthTestHost.NoRedirects(_app);
        browser.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"jwt={jwt}");
        var authorize = await browser.GetAsync(QueryHelpers.AddQueryString("/v1/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = OAuthTestHost.RedirectUri,
            ["scope"] = "openid user:read",
            ["code_challenge"] = WebEncoders.Base64UrlEncode(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Verifier))),
            ["code_challenge_method"] = "S256",
        }));
        var code = Secret("authorization code", QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["code"].ToString());
        Tokens("code grant", await OAuthTestHost.TokenOkAsync(_app, ("grant_type", "authorization_code"), ("client_id", clientId), ("client_secret", secret!),
            ("code", code), ("redirect_uri", OAuthTestHost.RedirectUri), ("code_verifier", Verifier)));

        // Every token works as presented (so finding one would be a leak), and failures are logged too.
        foreach (var token in new[] { password.GetProperty("access_token").GetString()!, refreshed.GetProperty("access_token").GetString()! })
        {
            using var bearer = OAuthTestHost.Bearer(_app, token);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/api/user")).StatusCode);
        }

        using (var bearer = OAuthTestHost.Bearer(_app, clientToken))
        {
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }

        using (var tampered = OAuthTestHost.Bearer(_app, clientToken[..^2] + "xx"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await tampered.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }

        var wrongSecret = await OAuthTestHost.TokenAsync(_app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret + "x"));
        Assert.False(wrongSecret.IsSuccessStatusCode);

        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Trace && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Category.StartsWith("OpenIddict", StringComparison.Ordinal));
        var inLogs = (from s in _secrets
                      from entry in _logs.Entries
                      where entry.Text.Contains(s.Value, StringComparison.Ordinal)
                      select $"{s.What} in a {entry.Level} entry of {entry.Category}").Distinct().ToList();
        Assert.True(inLogs.Count == 0, string.Join(Environment.NewLine, inLogs));

        var dump = await DatabaseDump.ReadAsync(_app);
        Assert.Contains(dump, d => d.Where.StartsWith("OpenIddictTokens.", StringComparison.OrdinalIgnoreCase)); // the rows were read
        var inDatabase = (from s in _secrets
                          from cell in dump
                          where cell.Text.Contains(s.Value, StringComparison.Ordinal)
                          select $"{s.What} in {cell.Where}").Distinct().ToList();
        Assert.True(inDatabase.Count == 0, string.Join(Environment.NewLine, inDatabase));
    }

    [Fact]
    public void AnOperatorsTraceRule_ForOpenIddict_OrForAProvider_IsRaisedToDebug()
    {
        var options = new LoggerFilterOptions { MinLevel = LogLevel.Trace };
        options.Rules.Add(new LoggerFilterRule(null, null, LogLevel.Trace, null));
        options.Rules.Add(new LoggerFilterRule("Console", "OpenIddict.Server.OpenIddictServerDispatcher", LogLevel.Trace, null));
        options.Rules.Add(new LoggerFilterRule("Console", "Microsoft", LogLevel.Trace, null));

        OrgKeys.OAuth.OAuthLogging.Cap(options);

        Assert.Equal(LogLevel.Debug, options.Rules.Single(r => r.CategoryName == "OpenIddict.Server.OpenIddictServerDispatcher").LogLevel);
        Assert.Equal(LogLevel.Debug, options.Rules.Single(r => r.ProviderName is null && r.CategoryName == "OpenIddict").LogLevel);
        Assert.Equal(LogLevel.Debug, options.Rules.Single(r => r.ProviderName == "Console" && r.CategoryName == "OpenIddict").LogLevel);
        Assert.Equal(LogLevel.Trace, options.Rules.Single(r => r.CategoryName == "Microsoft").LogLevel);
    }

    private void Tokens(string grant, System.Text.Json.JsonElement response)
    {
        foreach (var name in new[] { "access_token", "refresh_token", "id_token" })
        {
            if (response.TryGetProperty(name, out var value))
            {
                Secret($"{grant} {name}", value.GetString()!);
            }
        }
    }

    /// <summary>The whole value, and each long part of a JWS or JWE but its header (a signature, a ciphertext) on its own.</summary>
    private string Secret(string what, string value)
    {
        _secrets.Add((what, value));
        foreach (var part in value.Split('.').Skip(1).Where(p => p.Length > 20))
        {
            _secrets.Add(($"{what} (a part)", part));
        }

        return value;
    }
}
