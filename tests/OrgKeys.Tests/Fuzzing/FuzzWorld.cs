using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrgKeys.ApiKeys;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>
/// What generated requests refer to: an admin, a member and an outsider; the admin's organization
/// (with a member key and a revoked key), the outsider's organization, and a white label on the
/// admin's organization with an inner organization and a minted key. Rebuilt under new names after
/// any request that succeeded in changing something, so one lucky delete does not blunt the rest.
/// </summary>
public sealed class FuzzWorld
{
    private readonly string[] _strings;
    private readonly int[] _ids;
    private readonly Dictionary<string, int[]> _routeIds;

    private FuzzWorld(string[] strings, int[] ids, Dictionary<string, int[]> routeIds, string[] apiKeys, string revokedKey, string[] jwts, string endedJwt)
    {
        _strings = strings;
        _ids = ids;
        _routeIds = routeIds;
        ApiKeys = apiKeys;
        RevokedKey = revokedKey;
        Jwts = jwts;
        EndedJwt = endedJwt;
    }

    public string[] ApiKeys { get; }
    public string RevokedKey { get; }
    public string[] Jwts { get; }
    public string EndedJwt { get; }

    public string Text(int slot) => _strings[slot % _strings.Length];

    public int Id(int slot) => _ids[slot % _ids.Length];

    /// <summary>A real id for the route parameter <paramref name="name"/>; unknown parameters get any id of the world.</summary>
    public int RouteId(string name, int slot) => _routeIds.TryGetValue(name, out var ids) ? ids[slot % ids.Length] : Id(slot);

    public string ApiKey(Credential credential) => credential.Kind switch
    {
        CredentialKind.Valid or CredentialKind.Twice => ApiKeys[credential.Slot % ApiKeys.Length],
        CredentialKind.Ended => RevokedKey,
        CredentialKind.WellFormedUnknown => ApiKeyFormat.Generate(),
        CredentialKind.Tampered => Tamper(ApiKeys[credential.Slot % ApiKeys.Length], credential.Slot),
        CredentialKind.AlgNone => "ei_" + new string('0', 61),
        CredentialKind.Empty => "",
        _ => credential.Garbage,
    };

    public string Jwt(Credential credential) => credential.Kind switch
    {
        CredentialKind.Valid or CredentialKind.Twice => Jwts[credential.Slot % Jwts.Length],
        CredentialKind.Ended => EndedJwt,
        CredentialKind.WellFormedUnknown => ForeignJwt(Jwts[credential.Slot % Jwts.Length]),
        CredentialKind.Tampered => Tamper(Jwts[credential.Slot % Jwts.Length], credential.Slot),
        CredentialKind.AlgNone => AlgNone(Jwts[credential.Slot % Jwts.Length]),
        CredentialKind.Empty => "",
        _ => credential.Garbage,
    };

    private static string Tamper(string value, int slot)
    {
        var chars = value.ToCharArray();
        var at = chars.Length - 1 - (slot % Math.Min(8, chars.Length));
        chars[at] = chars[at] == 'a' ? 'b' : 'a';
        return new string(chars);
    }

    /// <summary>The same claims, unsigned, with <c>alg: none</c>.</summary>
    private static string AlgNone(string jwt)
    {
        var payload = jwt.Split('.')[1];
        return $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{payload}.";
    }

    /// <summary>The same claims, signed with a key the server never saw.</summary>
    private static string ForeignJwt(string jwt)
    {
        var claims = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]));
        var key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        return new JsonWebTokenHandler().CreateToken(claims, new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
    }

    public static async Task<FuzzWorld> CreateAsync(OrgKeysApp app, int generation)
    {
        var prefix = $"w{generation}";
        var admin = await app.CreateUserAsync($"{prefix}-alice");
        var member = await app.CreateUserAsync($"{prefix}-bob");
        var outsider = await app.CreateUserAsync($"{prefix}-carol");
        var adminJwt = await app.LoginAsync($"{prefix}-alice");
        var memberJwt = await app.LoginAsync($"{prefix}-bob");

        // An ended session: carol logs in, logs out (ending it), and logs in again.
        var endedJwt = await app.LoginAsync($"{prefix}-carol");
        using (var ending = app.ClientWithJwt(endedJwt))
        {
            (await ending.PostAsync(new Uri("/v1/api-logout", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        var outsiderJwt = await app.LoginAsync($"{prefix}-carol");
        using var alice = app.ClientWithJwt(adminJwt);
        using var carol = app.ClientWithJwt(outsiderJwt);
        var (orgA, orgAKey) = await OrgKeysApp.CreateOrganizationAsync(alice, $"{prefix} Acme");
        var (orgB, orgBKey) = await OrgKeysApp.CreateOrganizationAsync(carol, $"{prefix} Globex");
        (await app.JoinAsync(alice, orgA, $"{prefix}-bob", "member")).EnsureSuccessStatusCode();
        // carol is invited and has not answered, so accept and decline have something to act on.
        await PostAsync(alice, $"/v1/api/organizations/{orgA}/members/add", new { usernameOrEmail = $"{prefix}-carol", role = "member", datasets = Array.Empty<string>() });
        var (memberKeyId, memberKey) = await PostKeyAsync(alice, $"/v1/api/organizations/{orgA}/apikeys", new { name = "member key", role = "member" });
        var (revokedId, revokedKey) = await PostKeyAsync(alice, $"/v1/api/organizations/{orgA}/apikeys", new { name = "revoked", role = "admin" });
        (await alice.DeleteAsync(new Uri($"/v1/api/organizations/{orgA}/apikeys/{revokedId}", UriKind.Relative))).EnsureSuccessStatusCode();

        int whiteLabel;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            (whiteLabel, var error) = await scope.ServiceProvider.GetRequiredService<WhiteLabelService>()
                .CreateAsync($"{prefix} label", $"{prefix}.example.com", orgA, CancellationToken.None);
            Assert.Null(error);
        }

        var (inner, innerKey) = await PostKeyAsync(alice, $"/v1/api/organizations/{orgA}/whitelabel/organizations",
            new { organizationName = $"{prefix} inner", adminEmail = $"{prefix}-bob@example.com" });
        var (mintedId, mintedKey) = await PostKeyAsync(alice, $"/v1/api/organizations/{orgA}/whitelabel/organizations/{inner}/apiKeys",
            new { name = "minted", role = "admin", ttl = 86_400 });

        int[] organizations = [orgA, orgB, inner, orgA];
        int[] users = [admin, member, outsider];
        int[] keys = [memberKeyId, revokedId, mintedId];
        string[] apiKeys = [orgAKey, memberKey, orgBKey, innerKey, mintedKey];
        string[] jwts = [adminJwt, memberJwt, outsiderJwt];
        string[] strings =
        [
            $"{prefix}-alice", $"{prefix}-bob", $"{prefix}-carol", $"{prefix}-alice@example.com", $"{prefix}-bob@example.com",
            $"{prefix}-carol@example.com", OrgKeysApp.Password, "admin", "member", "guest", $"{prefix} Acme", .. apiKeys, revokedKey,
        ];
        var routeIds = new Dictionary<string, int[]>(StringComparer.Ordinal)
        {
            ["organizationId"] = organizations,
            ["innerOrganizationId"] = [inner, orgB, orgA],
            ["memberId"] = users,
            ["apiKeyId"] = keys,
        };
        return new FuzzWorld(strings, [.. organizations, .. users, .. keys, whiteLabel], routeIds, apiKeys, revokedKey, jwts, endedJwt);
    }

    private static async Task PostAsync(HttpClient client, string path, object body) =>
        (await client.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode();

    private static async Task<(int Id, string ApiKey)> PostKeyAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        var json = await response.ReadJsonAsync();
        return (json.GetProperty("id").GetInt32(), json.GetProperty("apiKey").GetString()!);
    }
}
