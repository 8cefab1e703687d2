using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.OAuth;
using static OrgKeys.Tests.Console.ConsolePages;

namespace OrgKeys.Tests.Console;

/// <summary>A <see cref="BrowserHost"/> whose OAuth endpoints take plain HTTP on loopback.</summary>
public sealed class OAuthBrowserHost() : BrowserHost(OAuthTestHost.Create());

/// <summary>
/// A client of the browser tests: its redirect URI is on another origin than the service (<c>localhost</c>
/// against <c>127.0.0.1</c>), where nothing listens, so the test reads the code from the browser's request.
/// </summary>
internal sealed record BrowserClient(string ClientId, string Secret, string RedirectUri, int OrganizationId)
{
    public const string Verifier = "browser-test-code-verifier-0123456789-abcdefghijklmnopqrstu";
    public const string Scope = "openid profile organizations:read";
    private static readonly string[] s_scopes = ["openid", "profile", "organizations:read"];
    private static readonly string[] s_grantTypes = ["authorization_code"];

    /// <summary>Alice, admin of "Acme Robotics", registers "Robot Dashboard"; bob owns "Other Org".</summary>
    public static async Task<(BrowserClient Client, int OtherOrganization)> RegisterAsync(OrgKeysApp app)
    {
        await app.CreateUserAsync("alice");
        using var alice = app.ClientWithJwt(await app.LoginAsync("alice"));
        var (organization, _) = await OrgKeysApp.CreateOrganizationAsync(alice, "Acme Robotics");
        var (_, bob) = await app.SignedInUserAsync("bob");
        var (other, _) = await OrgKeysApp.CreateOrganizationAsync(bob, "Other Org");
        var redirectUri = $"http://localhost:{UnusedPort()}/callback";
        var (_, clientId, secret) = await OAuthTestHost.RegisterAsync(alice, organization, new
        {
            name = "Robot Dashboard",
            homepageUrl = "https://dashboard.example/",
            redirectUris = new[] { redirectUri },
            scopes = s_scopes,
            allowedGrantTypes = s_grantTypes,
        });
        return (new BrowserClient(clientId, secret!, redirectUri, organization), other);
    }

    public string AuthorizeUrl(string? prompt = null) => QueryHelpers.AddQueryString("/v1/oauth/authorize", new Dictionary<string, string?>
    {
        ["response_type"] = "code",
        ["client_id"] = ClientId,
        ["redirect_uri"] = RedirectUri,
        ["scope"] = Scope,
        ["state"] = "state-1",
        ["code_challenge"] = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier))),
        ["code_challenge_method"] = "S256",
    }.Concat(prompt is null ? [] : [new("prompt", prompt)]));

    /// <summary>Runs <paramref name="act"/> and returns the query the browser then took to the redirect URI.</summary>
    /// <remarks>The page then shows the browser's error page: go on in a new page of the same context, never race it.</remarks>
    public async Task<Dictionary<string, Microsoft.Extensions.Primitives.StringValues>> CallbackAsync(IPage page, Func<Task> act)
    {
        var request = page.WaitForRequestAsync(r => r.Url.StartsWith(RedirectUri, StringComparison.Ordinal), new() { Timeout = 15_000 });
        try
        {
            await act();
        }
        catch (PlaywrightException e) when (e.Message.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal))
        {
            // Nothing listens there: the request the browser made is what counts.
        }

        return QueryHelpers.ParseQuery(new Uri((await request).Url).Query);
    }

    /// <summary>A port nothing listens on (a browser refuses some well-known ones, such as 9).</summary>
    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Redeems a code at the token endpoint, as the client's back end does: the access token.</summary>
    public async Task<string> RedeemAsync(OrgKeysApp app, string code) =>
        (await OAuthTestHost.TokenOkAsync(app, ("grant_type", "authorization_code"), ("client_id", ClientId), ("client_secret", Secret),
            ("code", code), ("redirect_uri", RedirectUri), ("code_verifier", Verifier))).GetProperty("access_token").GetString()!;

    /// <summary>From no session: the authorize URL, sign-in as alice, and the consent page.</summary>
    public async Task<IPage> ToConsentPageAsync(BrowserHost host)
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync(AuthorizeUrl());
        await SignInAsync(page, "alice");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Allow Robot Dashboard to use your account?");
        return page;
    }

    public static async Task<HttpResponseMessage> OrganizationAsync(OrgKeysApp app, string token, int organization)
    {
        using var bearer = OAuthTestHost.Bearer(app, token);
        return await bearer.GetAsync($"/v1/api/organizations/{organization}");
    }
}
