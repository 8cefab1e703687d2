using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Data;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Operations;

/// <summary>
/// On SQLite, <c>OrgKeys users disable</c> run as a second process on the same database file reaches
/// a running server's cache within a second (the change log it polls), not when the entry ages out.
/// </summary>
public sealed class CliChangeTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task UsersDisable_FromTheCli_EndsSessionsOnARunningServer_WithinASecond()
    {
        if (TestPostgres.Enabled)
        {
            return; // PostgreSQL announces changes by NOTIFY: CacheInvalidationTests and tests/multinode cover it.
        }

        var (_, client) = await _app.SignedInUserAsync("dora");
        // Twice: the second answer comes from the cache the CLI must reach.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v1/api/user", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v1/api/user", UriKind.Relative))).StatusCode);

        var dataDirectory = _app.Services.GetRequiredService<DataDirectory>().Path;
        var cli = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "OrgKeys.dll"), "users", "disable", "--username", "dora"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["OrgKeys__DataDirectory"] = dataDirectory },
        };
        using (var process = Process.Start(cli)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
        }

        var seen = Stopwatch.StartNew();
        while ((await client.GetAsync(new Uri("/v1/api/user", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
        {
            Assert.True(seen.Elapsed < TimeSpan.FromSeconds(1), "the running server still accepts the disabled user's session after a second");
            await Task.Delay(20);
        }

        Assert.True(seen.Elapsed < TimeSpan.FromSeconds(1));
    }
}
