using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Cli;
using OrgKeys.Data;
using OrgKeys.Secrets;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Secrets;

/// <summary>
/// <c>OrgKeys secret rotate|status|retire-old</c> on the secret kept in the data folder: keys made
/// before the rotation keep working and move to the new secret on first use, and the old secret
/// goes only once no live key needs it.
/// </summary>
public sealed class SecretRotationTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();

    [Fact]
    public async Task Rotate_KeysMadeBefore_KeepWorking_AndMoveOnFirstUse_WhileStatusCountsDown()
    {
        var (org, keys, session) = await OrganizationWithKeysAsync(3);
        var before = await File.ReadAllTextAsync(SecretFile(ServerSecret.FileName));

        Assert.Equal(0, await RunAsync("secret", "rotate"));
        Assert.NotEqual(before, await File.ReadAllTextAsync(SecretFile(ServerSecret.FileName)));
        Assert.Equal(before, await File.ReadAllTextAsync(SecretFile(ServerSecret.PreviousFileName)));
        Assert.Equal(3, await OnOldSecretAsync());

        for (var i = 0; i < keys.Length; i++)
        {
            await AssertKeyWorksAsync(org, keys[i]);
            Assert.Equal(2 - i, await OnOldSecretAsync());
        }

        Assert.All(await _app.WithDbAsync(db => db.ApiKeys.Select(k => k.SecretVersion).ToListAsync()), v => Assert.Equal(2, v));
        // Moved keys still work (now found under the new secret), and so does a session signed before.
        await AssertKeyWorksAsync(org, keys[0]);
        using var signedIn = _app.ClientWithJwt(session);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/v1/api/user")).StatusCode);

        // A key made now is hashed under the new secret.
        using var admin = _app.ClientWithKey(keys[0]);
        var (id, made) = await OrgKeysApp.CreateKeyAsync(admin, org, role: "admin");
        Assert.Equal(2, await _app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.SecretVersion).SingleAsync()));
        await AssertKeyWorksAsync(org, made);
    }

    [Fact]
    public async Task RetireOld_IsRefusedWhileLiveKeysRestOnTheOldSecret_ListingThem_UntilTheyMove()
    {
        var (org, keys, _) = await OrganizationWithKeysAsync(2);
        Assert.Equal(0, await RunAsync("secret", "rotate"));
        await AssertKeyWorksAsync(org, keys[0]);

        var (listed, error) = await RetireAsync(force: false);
        Assert.NotNull(error);
        var waiting = Assert.Single(listed);
        Assert.Equal(org, waiting.OrganizationId);
        Assert.Contains($"organization {org} key {waiting.KeyId} 'key1'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(keys[1], error, StringComparison.Ordinal);
        Assert.Equal(1, await RunAsync("secret", "retire-old"));
        Assert.True(File.Exists(SecretFile(ServerSecret.PreviousFileName)));
        Assert.True(await _app.WithDbAsync(db => db.ServerKeys.AnyAsync(k => k.Purpose == ServerKeyStore.PreviousCheckPurpose)));

        await AssertKeyWorksAsync(org, keys[1]);
        Assert.Equal(0, await RunAsync("secret", "retire-old"));
        Assert.False(File.Exists(SecretFile(ServerSecret.PreviousFileName)));
        Assert.Equal(1, await RunAsync("secret", "retire-old")); // nothing left to retire
        await AssertKeyWorksAsync(org, keys[0]);
        await AssertKeyWorksAsync(org, keys[1]);
    }

    [Fact]
    public async Task RetireOld_Forced_BreaksTheKeysThatHadNotMoved_AndOnlyThose()
    {
        var (org, keys, _) = await OrganizationWithKeysAsync(2);
        Assert.Equal(0, await RunAsync("secret", "rotate"));
        await AssertKeyWorksAsync(org, keys[0]);

        Assert.Equal(0, await RunAsync("secret", "retire-old", "--force"));
        await AssertKeyWorksAsync(org, keys[0]);
        using var stale = _app.ClientWithKey(keys[1]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync($"/v1/api/organizations/{org}/apikeys")).StatusCode);
    }

    [Fact]
    public async Task Rotate_AgainBeforeRetiring_IsRefused_AndChangesNothing()
    {
        Assert.Equal(0, await RunAsync("secret", "rotate"));
        var secret = await File.ReadAllTextAsync(SecretFile(ServerSecret.FileName));
        Assert.Equal(1, await RunAsync("secret", "rotate"));
        Assert.Equal(secret, await File.ReadAllTextAsync(SecretFile(ServerSecret.FileName)));
        Assert.Equal(2, await _app.WithDbAsync(db => ServerKeyStore.ReadVersionAsync(db, CancellationToken.None)));
    }

    [Theory]
    [InlineData("secret", "rotate", "--force")]
    [InlineData("secret", "status", "--output", "x")]
    [InlineData("secret", "retire-old", "--force", "yes")]
    [InlineData("secret", "retire-old", "--everything")]
    [InlineData("secret", "retire")]
    public void Parse_BadArguments_AreAnError(params string[] args)
    {
        var (_, command, error) = OperatorCommand.Parse(args);
        Assert.Null(command);
        Assert.NotNull(error);
    }

    [Fact]
    public void Parse_RetireOldForce_IsAFlag()
    {
        var (_, command, error) = OperatorCommand.Parse(["secret", "retire-old", "--force", "--json"]);
        Assert.Null(error);
        Assert.True(command!.Json);
        Assert.True(command.Options.ContainsKey("force"));
    }

    private async Task<(int Org, string[] Keys, string Session)> OrganizationWithKeysAsync(int count)
    {
        var (userId, client) = await _app.SignedInUserAsync("alice");
        var (org, adminKey) = await OrgKeysApp.CreateOrganizationAsync(client);
        // The organization's first key is one of them: every key must move.
        var keys = new List<string> { adminKey };
        using var admin = _app.ClientWithKey(adminKey);
        for (var i = 1; i < count; i++)
        {
            keys.Add((await OrgKeysApp.CreateKeyAsync(admin, org, role: "admin", name: $"key{i}")).Key);
        }

        return (org, [.. keys], await _app.IssueSessionTokenAsync(userId));
    }

    private async Task AssertKeyWorksAsync(int org, string key)
    {
        using var client = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{org}/apikeys")).StatusCode);
    }

    private async Task<int> OnOldSecretAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var rotation = ActivatorUtilities.CreateInstance<SecretRotation>(scope.ServiceProvider);
        return (await rotation.StatusAsync(scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>(), CancellationToken.None)).OnOldSecret.Count;
    }

    private async Task<(IReadOnlyList<KeyOnOldSecret>, string?)> RetireAsync(bool force)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var rotation = ActivatorUtilities.CreateInstance<SecretRotation>(scope.ServiceProvider);
        return await rotation.RetireOldAsync(scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>(), force, CancellationToken.None);
    }

    private string SecretFile(string name) => _app.Services.GetRequiredService<DataDirectory>().File(name);

    private async Task<int> RunAsync(params string[] args)
    {
        var (_, command, error) = OperatorCommand.Parse(args);
        Assert.Null(error);
        return await command!.RunAsync(_app.Services);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
