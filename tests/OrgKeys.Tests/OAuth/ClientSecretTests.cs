using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OrgKeys.Data.Entities;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>Client secrets rest as SHA-256 (they are generated, so PBKDF2 would only slow every grant), and the old PBKDF2 form still validates.</summary>
public sealed class ClientSecretTests
{
    [Fact]
    public async Task GeneratedSecret_IsStoredAsSha256_AndOnlyTheExactSecretGrants()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");

        var stored = await app.WithDbAsync(db => db.OAuthApplications.Where(a => a.ClientId == clientId).Select(a => a.ClientSecret).SingleAsync());
        Assert.StartsWith("sha256:", stored);
        Assert.DoesNotContain(secret!, stored!, StringComparison.Ordinal);

        Assert.NotEmpty(await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!));
        var last = secret![^1] == 'A' ? 'B' : 'A';
        foreach (var wrong in new[] { secret[..^1] + last, secret + "A", secret[..^1], "" })
        {
            var response = await OAuthTestHost.TokenAsync(app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", wrong),
                ("scope", "organizations:read"));
            Assert.False(response.IsSuccessStatusCode, wrong);
        }
    }

    [Fact]
    public async Task ASecretStoredAsPbkdf2_StillGrants()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var legacy = new Pbkdf2Manager(services.GetRequiredService<IOpenIddictApplicationCache<OAuthApplication>>(),
                services.GetRequiredService<ILogger<OpenIddictApplicationManager<OAuthApplication>>>(),
                services.GetRequiredService<IOptionsMonitor<OpenIddictCoreOptions>>(), services.GetRequiredService<IOpenIddictApplicationStore<OAuthApplication>>());
            var pbkdf2 = await legacy.HashAsync(secret!);
            Assert.DoesNotContain("sha256:", pbkdf2, StringComparison.Ordinal);
            await app.WithDbAsync(db => db.OAuthApplications.Where(a => a.ClientId == clientId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ClientSecret, pbkdf2)));
        }

        Assert.NotEmpty(await OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!));
        var wrong = await OAuthTestHost.TokenAsync(app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret + "x"));
        Assert.NotEqual(HttpStatusCode.OK, wrong.StatusCode);
    }

    /// <summary>OpenIddict's own manager, for the PBKDF2 form it stored secrets in.</summary>
    private sealed class Pbkdf2Manager(
        IOpenIddictApplicationCache<OAuthApplication> cache,
        ILogger<OpenIddictApplicationManager<OAuthApplication>> logger,
        IOptionsMonitor<OpenIddictCoreOptions> options,
        IOpenIddictApplicationStore<OAuthApplication> store)
        : OpenIddictApplicationManager<OAuthApplication>(cache, logger, options, store)
    {
        public ValueTask<string> HashAsync(string secret) => ObfuscateClientSecretAsync(secret);
    }
}
