using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Tests.WhiteLabels;

/// <summary>
/// Two white labels and an ordinary organization, on a fresh database:
/// alice administers white label 1 (admin organization <see cref="AdminOrg"/>, where mike is a member)
/// with inner organizations <see cref="Inner"/> (admin ivan) and <see cref="Inner2"/>; wendy administers
/// white label 2 with inner organization <see cref="OtherInner"/>; olga administers the ordinary <see cref="Ordinary"/>.
/// Given a <see cref="SharedApp"/> (a class fixture) the world is rebuilt per test on one host reset
/// in between, at the cost of a few API calls; otherwise each test has a host of its own.
/// </summary>
public abstract class WhiteLabelFixture : IAsyncLifetime
{
    private readonly bool _ownsApp;

    protected WhiteLabelFixture(Dictionary<string, string?>? settings = null)
    {
        App = new(settings);
        _ownsApp = true;
    }

    /// <param name="shared">The class's host: reset before each test, then the world is rebuilt on it.</param>
    /// <param name="overloadTag">Unused: it only keeps <c>WhiteLabelFixture(new() { … })</c> meaning settings, not a host.</param>
    protected WhiteLabelFixture(ISharedHost shared, bool overloadTag = true)
    {
        _ = overloadTag;
        App = shared.App;
    }

    protected OrgKeysApp App { get; }
    protected HttpClient Alice { get; private set; } = null!;
    protected HttpClient Ivan { get; private set; } = null!;
    protected HttpClient Mike { get; private set; } = null!;
    protected HttpClient Wendy { get; private set; } = null!;
    protected HttpClient Olga { get; private set; } = null!;
    protected int AliceId { get; private set; }
    protected int IvanId { get; private set; }
    protected int AdminOrg { get; private set; }
    protected string AdminOrgKey { get; private set; } = null!;
    protected int WhiteLabel { get; private set; }
    protected int Inner { get; private set; }
    protected string InnerKey { get; private set; } = null!;
    protected int Inner2 { get; private set; }
    protected int OtherAdminOrg { get; private set; }
    protected int OtherInner { get; private set; }
    protected int Ordinary { get; private set; }

    public virtual async Task InitializeAsync()
    {
        if (!_ownsApp)
        {
            await App.ResetAsync();
        }

        (AliceId, Alice) = await App.SignedInUserAsync("alice");
        (IvanId, Ivan) = await App.SignedInUserAsync("ivan");
        (_, Mike) = await App.SignedInUserAsync("mike");
        (_, Wendy) = await App.SignedInUserAsync("wendy");
        (_, Olga) = await App.SignedInUserAsync("olga");

        (AdminOrg, AdminOrgKey) = await OrgKeysApp.CreateOrganizationAsync(Alice, "Acme admin");
        (await App.JoinAsync(Alice, AdminOrg, "mike", "member")).EnsureSuccessStatusCode();
        WhiteLabel = await CreateWhiteLabelAsync("Acme", "acme.example.com", AdminOrg);
        (Inner, InnerKey) = await CreateInnerAsync(Alice, AdminOrg, "Inner one", "ivan@example.com");
        (Inner2, _) = await CreateInnerAsync(Alice, AdminOrg, "Inner two", "alice@example.com");
        await AcceptAsync(Ivan, Inner);
        await AcceptAsync(Alice, Inner2);

        (OtherAdminOrg, _) = await OrgKeysApp.CreateOrganizationAsync(Wendy, "Globex admin");
        await CreateWhiteLabelAsync("Globex", "globex.example.com", OtherAdminOrg);
        (OtherInner, _) = await CreateInnerAsync(Wendy, OtherAdminOrg, "Globex inner", "wendy@example.com");
        await AcceptAsync(Wendy, OtherInner);

        (Ordinary, _) = await OrgKeysApp.CreateOrganizationAsync(Olga, "Ordinary");
    }

    public async Task DisposeAsync()
    {
        if (_ownsApp)
        {
            await App.DisposeAsync();
        }
    }

    protected string WhiteLabelPath(int adminOrg = 0) => $"/v1/api/organizations/{(adminOrg == 0 ? AdminOrg : adminOrg)}/whitelabel";

    protected string InnerPath(int inner, int adminOrg = 0) => $"{WhiteLabelPath(adminOrg)}/organizations/{inner}";

    protected async Task<int> CreateWhiteLabelAsync(string name, string domain, int adminOrg)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var (id, error) = await scope.ServiceProvider.GetRequiredService<WhiteLabelService>().CreateAsync(name, domain, adminOrg, CancellationToken.None);
        Assert.Null(error);
        return id;
    }

    protected static async Task<(int Id, string ApiKey)> CreateInnerAsync(HttpClient admin, int adminOrg, string name, string adminEmail)
    {
        var response = await admin.PostAsJsonAsync($"/v1/api/organizations/{adminOrg}/whitelabel/organizations",
            new { organizationName = name, adminEmail });
        response.EnsureSuccessStatusCode();
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("id").GetInt32(), body.GetProperty("apiKey").GetString()!);
    }

    /// <summary>The signed-in <paramref name="user"/> accepts the invitation to <paramref name="organization"/>.</summary>
    protected static async Task AcceptAsync(HttpClient user, int organization) =>
        (await user.PostAsync($"/v1/api/user/invitations/{organization}/accept", null)).EnsureSuccessStatusCode();

    /// <summary>Mints a white label key for <paramref name="inner"/> as <paramref name="admin"/>: its id and secret.</summary>
    protected async Task<(int Id, string ApiKey)> MintAsync(HttpClient admin, int inner, object? body = null, int adminOrg = 0)
    {
        var response = await admin.PostAsJsonAsync($"{InnerPath(inner, adminOrg)}/apiKeys", body ?? new { name = "support", role = "admin" });
        response.EnsureSuccessStatusCode();
        var json = await response.ReadJsonAsync();
        return (json.GetProperty("id").GetInt32(), json.GetProperty("apiKey").GetString()!);
    }
}
