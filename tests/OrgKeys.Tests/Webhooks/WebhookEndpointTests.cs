using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Webhooks;

/// <summary>Bad input is a 400 that changes nothing; another organization's webhooks do not exist; only lasting admin credentials make one.</summary>
public class WebhookEndpointTests(WebhookApp shared) : IClassFixture<WebhookApp>, IAsyncLifetime
{
    private static readonly string[] TestEvents = ["webhook.test"];
    private static readonly object TestHook = new { url = "https://example.com/x", events = TestEvents };
    private readonly OrgKeysApp _app = shared.App;
    private HttpClient _admin = null!;
    private HttpClient _bob = null!;
    private int _org;
    private int _bobOrg;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        (_, _admin) = await _app.SignedInUserAsync("alice");
        (_, _bob) = await _app.SignedInUserAsync("bob");
        (_org, _) = await OrgKeysApp.CreateOrganizationAsync(_admin);
        (_bobOrg, _) = await OrgKeysApp.CreateOrganizationAsync(_bob, "Bobs");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<int> CountAsync() => _app.WithDbAsync(db => db.Webhooks.CountAsync());

    public static TheoryData<string> BadBodies() =>
    [
        """{"events":["apikey.created"]}""",
        """{"url":"not a url","events":["apikey.created"]}""",
        """{"url":"ftp://example.com/hook","events":["apikey.created"]}""",
        """{"url":"https://user:pass@example.com/hook","events":["apikey.created"]}""",
        """{"url":"https://example.com/hook"}""",
        """{"url":"https://example.com/hook","events":[]}""",
        """{"url":"https://example.com/hook","events":["apikey.nope"]}""",
        """{"url":"https://example.com/hook","events":[null]}""",
        """{"url":"https://example.com/hook","events":"apikey.created"}""",
        """{"url":"https://example.com/hook","events":["apikey.created"],"description":"a\nb"}""",
        """{"url":"https://example.com/hook","events":["apikey.created"],"description":5}""",
        "not json",
    ];

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadInput_Is400_AndCreatesNothing(string body)
    {
        var response = await _admin.PostAsync(WebhookApp.Path(_org), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ReadErrorAsync());
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Create_List_Delete()
    {
        var (id, secret) = await WebhookApp.CreateAsync(_admin, _org, "https://example.com/hook", "apikey.created", "apikey.rolled");
        var list = await (await _admin.GetAsync(WebhookApp.Path(_org))).ReadJsonAsync();
        var webhook = Assert.Single(list.GetProperty("webhooks").EnumerateArray());
        Assert.Equal(id, webhook.GetProperty("id").GetInt32());
        Assert.Equal(["apikey.created", "apikey.rolled"], webhook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(secret["whsec_".Length..], list.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"{WebhookApp.Path(_org)}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync($"{WebhookApp.Path(_org)}/{id}")).StatusCode);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task UnknownIds_Are404()
    {
        var (id, _) = await WebhookApp.CreateAsync(_admin, _org, "https://example.com/hook", "webhook.test");
        var path = WebhookApp.Path(_org);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.PostAsync($"{path}/{id + 1}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"{path}/{id + 1}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.PostAsync($"{path}/{id + 1}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.PostAsync($"{path}/{id}/deliveries/999/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"{path}/abc/deliveries")).StatusCode);
    }

    [Fact]
    public async Task AnotherOrganizationsWebhook_IsNotFound_ThroughEveryEndpoint()
    {
        var (id, _) = await WebhookApp.CreateAsync(_admin, _org, "https://example.com/hook", "webhook.test");
        await _admin.PostAsync($"{WebhookApp.Path(_org)}/{id}/test", null);
        var delivery = await _app.WithDbAsync(db => db.WebhookDeliveries.Select(d => d.Id).SingleAsync());

        // Bob, admin of his own organization, names Alice's webhook under it.
        var mine = WebhookApp.Path(_bobOrg);
        Assert.Empty((await (await _bob.GetAsync(mine)).ReadJsonAsync()).GetProperty("webhooks").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.DeleteAsync($"{mine}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"{mine}/{id}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync($"{mine}/{id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"{mine}/{id}/deliveries/{delivery}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"{mine}/{id}/test", null)).StatusCode);

        // And under Alice's organization, where he is nobody.
        var hers = WebhookApp.Path(_org);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync(hers)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsJsonAsync(hers, TestHook)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.DeleteAsync($"{hers}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"{hers}/{id}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync($"{hers}/{id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"{hers}/{id}/deliveries/{delivery}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.PostAsync($"{hers}/{id}/test", null)).StatusCode);

        Assert.Equal(1, await CountAsync());
        Assert.Equal(1, await _app.WithDbAsync(db => db.WebhookDeliveries.CountAsync()));
    }

    [Fact]
    public async Task AMember_OrAnExpiringKey_CannotCreate()
    {
        var (_, member) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "member");
        using var asMember = _app.ClientWithKey(member);
        Assert.Equal(HttpStatusCode.Forbidden, (await asMember.PostAsJsonAsync(WebhookApp.Path(_org), TestHook)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asMember.GetAsync(WebhookApp.Path(_org))).StatusCode);

        var (_, expiring) = await OrgKeysApp.CreateKeyAsync(_admin, _org, role: "admin", ttl: 3600);
        using var asExpiring = _app.ClientWithKey(expiring);
        Assert.Equal(HttpStatusCode.Forbidden, (await asExpiring.PostAsJsonAsync(WebhookApp.Path(_org), TestHook)).StatusCode);
        var (id, _) = await WebhookApp.CreateAsync(_admin, _org, "https://example.com/hook", "webhook.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await asExpiring.PostAsync($"{WebhookApp.Path(_org)}/{id}/rotate-secret", null)).StatusCode);
        Assert.Equal(1, await CountAsync());
    }
}
