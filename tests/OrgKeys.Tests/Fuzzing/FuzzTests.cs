using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Data;
using OrgKeys.Tests.Infrastructure;
using OrgKeys.Tests.WhiteLabels;
using Xunit.Abstractions;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>
/// Generated bodies, credentials and path values thrown at every endpoint the app maps (found from
/// its endpoint data source, so a new endpoint is fuzzed without anyone listing it). Properties:
/// never a 5xx; every 4xx has the contract's error shape and changes nothing in the database.
/// Seeded: a failure names the seed and the request, so it replays.
/// </summary>
public class FuzzTests(ITestOutputHelper output) : WhiteLabelFixture(new() { ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = "0" })
{
    private const int Seed = 20261123;
    private const int IterationsPerEndpoint = 25;

    private static readonly string[] Fields =
    [
        "name", "role", "apiKey", "ttl", "organizationName", "usernameOrEmail", "id", "adminId", "adminEmail", "username",
        "password", "currentPassword", "newPassword", "datasets", "privacyPolicy", "email", "uuid", "totpToken",
    ];

    [Fact]
    public async Task EveryEndpoint_NeverAnswers5xx_AndNo4xxChangesState()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .Where(e => e.Pattern.StartsWith("/v1/", StringComparison.Ordinal) && e.Pattern != "/v1/docs/{**path}")
            .Distinct().OrderBy(e => e.Pattern).ThenBy(e => e.Method).ToList();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");

        var random = new Random(Seed);
        var aliceToken = await App.LoginAsync("alice");
        var ivanToken = await App.LoginAsync("ivan");
        var failures = new List<string>();
        foreach (var (method, pattern) in endpoints)
        {
            for (var i = 0; i < IterationsPerEndpoint; i++)
            {
                var path = FillRoute(pattern, random);
                var (header, credential) = Credential(random, aliceToken, ivanToken);
                var body = method is "GET" or "DELETE" && random.Next(4) != 0 ? null : Body(random);
                using var request = new HttpRequestMessage(new HttpMethod(method), path + Query(random));
                if (header is not null)
                {
                    request.Headers.TryAddWithoutValidation(header, credential);
                }

                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", random.Next(8) == 0 ? "text/plain" : "application/json");
                }

                var before = await SnapshotAsync();
                using var client = App.CreateClient();
                var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                var described = $"seed {Seed}, {method} {request.RequestUri} [{header}] body {(body is null ? "none" : Encoding.UTF8.GetString(body))} → {status} {text}";
                if (status >= 500)
                {
                    failures.Add($"5xx: {described}");
                }
                else if (status >= 400)
                {
                    if (!HasErrorShape(text))
                    {
                        failures.Add($"4xx without the error shape: {described}");
                    }

                    if (await SnapshotAsync() != before)
                    {
                        failures.Add($"4xx changed state: {described}");
                    }
                }
            }
        }

        output.WriteLine($"{endpoints.Count} endpoints × {IterationsPerEndpoint} requests, seed {Seed}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(10)));
    }

    private string FillRoute(string pattern, Random random)
    {
        int[] known = [AdminOrg, Inner, Inner2, OtherAdminOrg, OtherInner, Ordinary, 1, 2, 3];
        string[] odd = ["0", "-1", "2147483648", "99999999999999999999", "abc", "1e3", "%2F", "1%20or%201=1"];
        var path = new StringBuilder();
        foreach (var segment in pattern.Split('/'))
        {
            if (segment.StartsWith('{'))
            {
                path.Append(random.Next(5) == 0 ? odd[random.Next(odd.Length)] : known[random.Next(known.Length)].ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                path.Append(segment);
            }

            path.Append('/');
        }

        return path.ToString().TrimEnd('/');
    }

    private (string? Header, string? Value) Credential(Random random, string aliceToken, string ivanToken) => random.Next(9) switch
    {
        0 => (null, null),
        1 => ("x-jwt-token", aliceToken),
        2 => ("x-jwt-token", ivanToken),
        3 => ("x-api-key", AdminOrgKey),
        4 => ("x-api-key", InnerKey),
        5 => ("x-api-key", "ei_" + RandomText(random, random.Next(0, 300))),
        6 => ("x-jwt-token", RandomText(random, random.Next(0, 5000))),
        7 => ("Cookie", "jwt=" + aliceToken[..^1]),
        _ => ("Authorization", "Bearer " + RandomText(random, 40)),
    };

    private static string Query(Random random) => random.Next(3) switch
    {
        0 => "",
        1 => $"?limit={random.Next(-5, 2000)}&offset={random.Next(-5, 50)}&search={Uri.EscapeDataString(RandomText(random, 10))}",
        _ => $"?includeDeleted={(random.Next(2) == 0 ? "true" : "maybe")}&organization={random.Next(-2, 20)}&role={RandomText(random, 5)}",
    };

    private static byte[] Body(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                return [];
            case 1:
                var junk = new byte[random.Next(1, 200)];
                random.NextBytes(junk);
                return junk;
            case 2:
                return Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100));
            case 3:
                return Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 70_000) + "\"}");
            default:
                var body = new JsonObject();
                foreach (var field in Fields.Where(_ => random.Next(3) == 0))
                {
                    body[field] = Value(random, depth: 0);
                }

                return Encoding.UTF8.GetBytes(body.ToJsonString());
        }
    }

    private static JsonNode? Value(Random random, int depth) => random.Next(depth > 2 ? 8 : 11) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        2 => JsonValue.Create(random.NextDouble() * 1e30),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => JsonValue.Create("admin"),
        5 => JsonValue.Create("ei_" + RandomText(random, 40)),
        6 => JsonValue.Create(RandomText(random, random.Next(0, 400))),
        7 => JsonValue.Create(long.MaxValue),
        8 => new JsonArray(Value(random, depth + 1), Value(random, depth + 1)),
        9 => new JsonObject { ["nested"] = Value(random, depth + 1) },
        _ => JsonValue.Create("\0\u202e\ud800".Substring(random.Next(3), 1)),
    };

    private static string RandomText(Random random, int length)
    {
        const string alphabet = "abcdefXYZ0189_-.@ ~!\"'\\/<>%{}\t\u00e9\u4e2d\ud83d\ude00";
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }

    private static bool HasErrorShape(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                && error.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Every row of every table, except what changes without a request asking (key ring, last-use write-behind, last seen).</summary>
    private Task<string> SnapshotAsync() => App.WithDbAsync(async db =>
    {
        var snapshot = new StringBuilder();
        snapshot.Append(await Rows(db.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Username, u.Email, u.PasswordHash, u.Disabled, u.SessionVersion })));
        snapshot.Append(await Rows(db.Organizations.AsNoTracking().OrderBy(o => o.Id)));
        snapshot.Append(await Rows(db.Members.AsNoTracking().OrderBy(m => m.OrganizationId).ThenBy(m => m.UserId)));
        snapshot.Append(await Rows(db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => new { k.Id, k.OrganizationId, k.Name, k.Role, k.ExpiresAt, k.RevokedAt, k.WhiteLabelId })));
        snapshot.Append(await Rows(db.WhiteLabels.AsNoTracking().OrderBy(w => w.Id)));
        snapshot.Append(await Rows(db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.Action, a.OrganizationId })));
        return snapshot.ToString();
    });

    private static async Task<string> Rows<T>(IQueryable<T> query) => JsonSerializer.Serialize(await query.ToListAsync());
}
