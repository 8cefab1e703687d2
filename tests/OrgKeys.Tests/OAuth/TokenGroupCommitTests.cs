using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Data.Entities;
using OrgKeys.OAuth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.Tests.OAuth;

/// <summary>
/// Token entries of concurrent grants share a commit; each grant still gets its token only once its own entry
/// is stored, and an entry that cannot be stored fails its grant alone, never the others and never silently.
/// </summary>
public sealed class TokenGroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConcurrentGrants_ShareCommits_AndEveryTokenHasItsEntry()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (_, clientId, secret) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");
        var writer = app.Services.GetRequiredService<OAuthTokenWriter>();
        var entriesBefore = await app.WithDbAsync(db => db.OAuthTokens.CountAsync());
        var commitsBefore = writer.Commits;

        var tokens = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => OAuthTestHost.ClientCredentialsTokenAsync(app, clientId, secret!)));

        Assert.Equal(40, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(entriesBefore + 40, await app.WithDbAsync(db => db.OAuthTokens.CountAsync()));
        Assert.InRange(writer.Commits - commitsBefore, 1, 39);
        foreach (var token in tokens)
        {
            using var bearer = OAuthTestHost.Bearer(app, token);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/v1/api/organizations/{org}")).StatusCode);
        }
    }

    [Fact]
    public async Task AnEntryThatCannotBeStored_FailsItsOwnGrantOnly()
    {
        await using var app = OAuthTestHost.Create();
        var (_, admin, _, org) = await OAuthTestHost.AdminAsync(app);
        var (id, _, _) = await OAuthTestHost.RegisterConfidentialAsync(admin, org, "client_credentials");
        var writer = app.Services.GetRequiredService<OAuthTokenWriter>();
        var client = await app.WithDbAsync(db => db.OAuthApplications.AsNoTracking().SingleAsync(a => a.Id == id));
        var vanished = new OAuthApplication { Id = int.MaxValue };

        var good = Enumerable.Range(0, 10).Select(_ => Entry(client)).ToList();
        var bad = Entry(vanished);
        var writes = good.Select(writer.InsertAsync).Append(writer.InsertAsync(bad)).ToList();
        await Task.WhenAny(Task.WhenAll(writes), Task.Delay(Patience));

        Assert.All(writes, w => Assert.True(w.IsCompleted));
        await Assert.ThrowsAsync<DbUpdateException>(() => writes[^1]);
        Assert.Equal(0, bad.Id);
        Assert.Same(vanished, bad.Application);
        var ids = good.Select(t => t.Id).ToList();
        Assert.All(good, t => Assert.Same(client, t.Application));
        Assert.Equal(10, await app.WithDbAsync(db => db.OAuthTokens.CountAsync(t => ids.Contains(t.Id) && t.Application!.Id == id)));
    }

    [Fact]
    public async Task ABatchThatFailsWhole_FailsEveryWaitingGrant()
    {
        await using var app = OAuthTestHost.Create();
        var writer = app.Services.GetRequiredService<OAuthTokenWriter>();
        var entries = Enumerable.Range(0, 5).Select(i => Entry(new OAuthApplication { Id = int.MaxValue - i })).ToList();

        var writes = entries.Select(writer.InsertAsync).ToList();
        await Task.WhenAny(Task.WhenAll(writes), Task.Delay(Patience));

        Assert.All(writes, w => Assert.True(w.IsFaulted));
        Assert.Equal(0, await app.WithDbAsync(db => db.OAuthTokens.CountAsync()));
    }

    private static OAuthToken Entry(OAuthApplication application) => new()
    {
        Application = application,
        Type = TokenTypeIdentifiers.AccessToken,
        Status = Statuses.Valid,
        Subject = "test",
        CreationDate = DateTime.UtcNow,
        ExpirationDate = DateTime.UtcNow.AddHours(1),
        ConcurrencyToken = Guid.NewGuid().ToString(),
    };
}
