using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Tests.Console;

/// <summary>
/// The pages that show a secret once log no warning: antiforgery, whose token is on each of them, warns that it
/// overrode Cache-Control when a page set it without no-cache. One such warning per key made was seen in the
/// walk-through of the README.
/// </summary>
public sealed class SecretPageLogTests : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
    private readonly OrgKeysApp _app;

    public SecretPageLogTests() => _app = new(null, _logs.AddTo);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task NewKey_InnerOrganization_AndTemporaryKey_AreShownNoStore_WithoutAWarning()
    {
        var (aliceId, aliceApi) = await _app.SignedInUserAsync("alice");
        using var _ = aliceApi;
        var (org, _) = await OrgKeysApp.CreateOrganizationAsync(aliceApi, "Acme");
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var (_, error) = await scope.ServiceProvider.GetRequiredService<WhiteLabelService>().CreateAsync("Acme Cloud", "acme.example.com", org, CancellationToken.None);
            Assert.Null(error);
        }

        using var alice = await FormClient.SignedInAsync(_app, aliceId);
        var newKey = $"/organizations/{org}/keys/new";
        var whiteLabel = $"/organizations/{org}/whitelabel";
        var shown = new List<HttpResponseMessage>
        {
            await alice.PostAsync(newKey, newKey, ("name", "CI deploys"), ("role", "member"), ("expiry", "1d")),
            await alice.PostAsync($"{whiteLabel}?handler=Create", whiteLabel, ("organizationName", "Northwind")),
        };
        var inner = await _app.WithDbAsync(db => db.Organizations.Where(o => o.Name == "Northwind").Select(o => o.Id).SingleAsync());
        var innerKeys = $"{whiteLabel}/organizations/{inner}/keys";
        shown.Add(await alice.PostAsync(innerKeys, innerKeys, ("name", "support"), ("role", "member"), ("ttl", "")));

        foreach (var response in shown)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("class=\"secret\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }

        Assert.Contains(_logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
