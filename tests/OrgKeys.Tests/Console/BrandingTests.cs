using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Tests.Console;

/// <summary>A page reached through a white label's domain shows the white label's name, and any other host shows OrgKeys.</summary>
public sealed class BrandingTests : IAsyncLifetime
{
    // A host of its own: the domains are remembered for a minute, so another class's earlier page must not have read them.
    private readonly OrgKeysApp _app = new();

    public async Task InitializeAsync()
    {
        var (_, walter) = await _app.SignedInUserAsync("walter");
        var (adminOrg, _) = await OrgKeysApp.CreateOrganizationAsync(walter, "Acme admin");
        await using var scope = _app.Services.CreateAsyncScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<WhiteLabelService>().CreateAsync("Acme Studio", "studio.acme.example", adminOrg, CancellationToken.None)).Error);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> SignInPageAsync(string? host)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task TheWhiteLabelsDomain_ShowsItsName_OtherHostsShowOrgKeys()
    {
        var branded = await SignInPageAsync("STUDIO.acme.example:8443");
        Assert.Contains("<title>Sign in – Acme Studio</title>", branded, StringComparison.Ordinal);
        Assert.Contains("<a class=\"brand\" href=\"/\">Acme Studio</a>", branded, StringComparison.Ordinal);

        foreach (var host in new string?[] { null, "other.example", "studio.acme.example.evil.example", "[::1]" })
        {
            var plain = await SignInPageAsync(host);
            Assert.Contains("<a class=\"brand\" href=\"/\">OrgKeys</a>", plain, StringComparison.Ordinal);
            Assert.DoesNotContain("Acme Studio", plain, StringComparison.Ordinal);
        }
    }
}
