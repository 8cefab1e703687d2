using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.OAuth;

/// <summary>An <see cref="OrgKeysApp"/> whose OAuth endpoints take plain HTTP, with helpers for clients and grants.</summary>
internal static class OAuthTestHost
{
    public const string RedirectUri = "https://client.example/callback";
    private static readonly string[] RedirectUris = [RedirectUri];
    private static readonly string[] AllScopes = ["openid", "email", "profile", "offline_access", "organizations:read", "user:read", "apikeys:read"];

    public static OrgKeysApp Create() => new(new() { ["OrgKeys:OAuth:RequireHttps"] = "false" });

    /// <summary>A new user who is admin of a new organization: their id, client (session JWT), JWT and organization id.</summary>
    public static async Task<(int UserId, HttpClient Admin, string Jwt, int OrganizationId)> AdminAsync(OrgKeysApp app, string username = "alice")
    {
        var userId = await app.CreateUserAsync(username);
        var jwt = await app.LoginAsync(username);
        var admin = app.ClientWithJwt(jwt);
        var (organizationId, _) = await OrgKeysApp.CreateOrganizationAsync(admin, $"{username}-org");
        return (userId, admin, jwt, organizationId);
    }

    public static async Task<(int Id, string ClientId, string? Secret)> RegisterAsync(HttpClient admin, int organizationId, object registration)
    {
        var response = await admin.PostAsJsonAsync($"/v1/api/organizations/{organizationId}/oauth-clients", registration);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("id").GetInt32(), body.GetProperty("clientId").GetString()!,
            body.TryGetProperty("clientSecret", out var secret) && secret.ValueKind == JsonValueKind.String ? secret.GetString() : null);
    }

    public static Task<(int Id, string ClientId, string? Secret)> RegisterConfidentialAsync(HttpClient admin, int organizationId, params string[] grantTypes) =>
        RegisterAsync(admin, organizationId, new
        {
            name = "Robot",
            redirectUris = RedirectUris,
            scopes = AllScopes,
            allowedGrantTypes = grantTypes,
        });

    public static async Task<HttpResponseMessage> TokenAsync(OrgKeysApp app, params (string Name, string Value)[] form)
    {
        using var client = app.CreateClient();
        return await client.PostAsync("/v1/oauth/token", new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
    }

    public static async Task<JsonElement> TokenOkAsync(OrgKeysApp app, params (string Name, string Value)[] form)
    {
        var response = await TokenAsync(app, form);
        var body = await response.ReadJsonAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    public static async Task<string> ClientCredentialsTokenAsync(OrgKeysApp app, string clientId, string secret, string scope = "organizations:read") =>
        (await TokenOkAsync(app, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", scope)))
        .GetProperty("access_token").GetString()!;

    public static async Task<JsonElement> PasswordTokensAsync(OrgKeysApp app, string clientId, string secret, string username,
        string scope = "openid offline_access user:read organizations:read", string password = OrgKeysApp.Password) =>
        await TokenOkAsync(app, ("grant_type", "password"), ("client_id", clientId), ("client_secret", secret),
            ("username", username), ("password", password), ("scope", scope));

    public static HttpClient Bearer(OrgKeysApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static HttpClient NoRedirects(OrgKeysApp app) => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
}
