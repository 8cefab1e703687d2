using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Cli;
using OrgKeys.Data;
using OrgKeys.Secrets;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Secrets;

/// <summary>
/// The README's procedure with the secret in configuration, as nodes on one database: a node given the
/// new secret and the old as previous verifies the old keys, rotates and retires; a node configured with
/// only the old secret is then refused at start, saying so (tests/rotation/run.sh runs it as two live nodes).
/// </summary>
public sealed class ConfiguredSecretRotationTests
{
    private static readonly string OldSecret = NewSecret();
    private static readonly string NewSecretValue = NewSecret();

    [Fact]
    public async Task NewAndPrevious_Rotate_Retire_ThenANodeWithOnlyTheOldSecret_IsRefusedAsRetired()
    {
        await using var first = new OrgKeysApp(new() { ["OrgKeys:ServerSecret"] = OldSecret });
        var (_, client) = await first.SignedInUserAsync("alice");
        var (org, key) = await OrgKeysApp.CreateOrganizationAsync(client);
        // Configured with one secret, rotate has nothing to rotate to: refused, not invented.
        Assert.Equal(1, await RunAsync(first, "secret", "rotate"));
        var database = await ConnectionStringAsync(first);

        await using var second = new OrgKeysApp(Settings(database, NewSecretValue, OldSecret));
        await AssertKeyWorksAsync(second, org, key);
        Assert.Equal(0, await RunAsync(second, "secret", "rotate"));

        // Mid-rotation, a node still on only the old secret is told to take the new one with the old as previous.
        var midway = await AssertRefusedAsync(database, OldSecret);
        Assert.Contains("rotated out of this database (it is on secret version 2)", midway, StringComparison.Ordinal);
        Assert.Contains("OrgKeys:PreviousServerSecret", midway, StringComparison.Ordinal);

        await AssertKeyWorksAsync(second, org, key);
        Assert.Equal(0, await RunAsync(second, "secret", "retire-old"));

        Assert.Contains("rotated out of this database and retired", await AssertRefusedAsync(database, OldSecret), StringComparison.Ordinal);
        // Given as previous too, the retired secret changes nothing: the node runs on the current one.
        await using var third = new OrgKeysApp(Settings(database, NewSecretValue, OldSecret));
        await AssertKeyWorksAsync(third, org, key);
    }

    [Fact]
    public async Task ANodeWithAnUnrelatedSecret_IsRefused_AsDifferent()
    {
        await using var first = new OrgKeysApp(new() { ["OrgKeys:ServerSecret"] = OldSecret });
        var refusal = await AssertRefusedAsync(await ConnectionStringAsync(first), NewSecret());
        Assert.Contains("differs from the one the database was set up with", refusal, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(string database, string secret, string? previous = null) => new()
    {
        ["OrgKeys:ServerSecret"] = secret,
        ["OrgKeys:PreviousServerSecret"] = previous,
        ["ConnectionStrings:OrgKeys"] = database,
    };

    /// <summary>A node on <paramref name="database"/> with these secrets fails to start; what it logged of the refusal.</summary>
    private static async Task<string> AssertRefusedAsync(string database, string secret, string? previous = null)
    {
        var logs = new LogCapture();
        await using var app = new OrgKeysApp(Settings(database, secret, previous), logs.AddTo);
        // Program turns the refusal into one line on stderr and exit code 1, so the test host finds no services.
        Assert.ThrowsAny<Exception>(() => app.Services);
        var refusal = Assert.Single(logs.Entries, e => e.Text.Contains(typeof(ServerSecretRefusedException).FullName + ": ", StringComparison.Ordinal));
        Assert.All(logs.Entries, e => Assert.DoesNotContain(secret, e.Text, StringComparison.Ordinal));
        return refusal.Text;
    }

    private static async Task<string> ConnectionStringAsync(OrgKeysApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>().Database.GetConnectionString()!;
    }

    private static async Task AssertKeyWorksAsync(OrgKeysApp app, int org, string key)
    {
        using var client = app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/api/organizations/{org}/apikeys")).StatusCode);
    }

    private static async Task<int> RunAsync(OrgKeysApp app, params string[] args)
    {
        var (_, command, error) = OperatorCommand.Parse(args);
        Assert.Null(error);
        return await command!.RunAsync(app.Services);
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
