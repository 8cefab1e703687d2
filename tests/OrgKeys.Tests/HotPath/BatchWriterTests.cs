using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.HotPath;

/// <summary>Keys created at once share commits, yet each answer means that key is stored and works.</summary>
public class BatchWriterTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();
    private HttpClient _admin = null!;
    private int _org;

    public async Task InitializeAsync()
    {
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ConcurrentCreations_AllStored_WithTheirOwnIds()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => _admin.AddKeyAsync(_org, new { name = $"k{i}", role = "member" })));

        Assert.Equal(40, created.Select(k => k.Id).Distinct().Count());
        var stored = await _app.WithDbAsync(db => db.ApiKeys.Where(k => EF.Functions.Like(k.Name, "k%")).Select(k => k.Id).ToListAsync());
        Assert.Equal(created.Select(k => k.Id).Order(), stored.Order());
        using var withKey = _app.ClientWithKey(created[^1].Key);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync($"/v1/api/organizations/{_org}")).StatusCode);
    }

    [Fact]
    public async Task SameCustomKey_CreatedConcurrently_OnlyOneWins_OthersStillStored()
    {
        const string custom = "ei_raced-custom-key-0123456789abcdefgh";
        var requests = Enumerable.Range(0, 10).Select(i => _admin.PostAsJsonAsync(
            $"/v1/api/organizations/{_org}/apikeys",
            i % 2 == 0 ? new { name = $"same{i}", role = "member", apiKey = (string?)custom } : new { name = $"other{i}", role = "member", apiKey = (string?)null }));
        var responses = await Task.WhenAll(requests);

        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(6, await _app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name.StartsWith("same") || k.Name.StartsWith("other"))));
    }
}
