using System.Globalization;
using CsCheck;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>
/// What the fuzzer knows of one endpoint: the fields of its body (<c>name</c> a string, <c>name:n</c> a
/// number, <c>name:b</c> a boolean, <c>name:a</c> an array) and the names of its query parameters.
/// </summary>
public sealed record EndpointShape(string[] Fields, string[] Query)
{
    public static readonly EndpointShape NoInput = new([], []);
}

/// <summary>
/// Generators of requests: the endpoint's real field names mixed with junk, wrong types, huge strings,
/// deep nesting, broken UTF-8 and empty bodies; credentials valid, ended, forged and garbage; route
/// values valid, out of range, negative and not numbers at all.
/// </summary>
public static class FuzzGenerators
{
    /// <summary>
    /// Every endpoint the service maps, by operationId (or method and route when it has none). The fuzz
    /// tests fail when the service maps an endpoint that is not here, so a new endpoint is fuzzed from day one.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, EndpointShape> Shapes = new Dictionary<string, EndpointShape>
    {
        ["health"] = EndpointShape.NoInput,
        ["ready"] = EndpointShape.NoInput,
        ["login"] = new(["username", "password", "uuid", "ssoType", "sessionId", "totpToken"], []),
        ["createUser"] = new(["name", "username", "email", "password", "privacyPolicy:b", "turnstileResponse"], []),
        ["logout"] = EndpointShape.NoInput,
        ["getCurrentUser"] = EndpointShape.NoInput,
        ["listOrganizationsCurrentUser"] = EndpointShape.NoInput,
        ["listInvitationsCurrentUser"] = EndpointShape.NoInput,
        ["acceptInvitationCurrentUser"] = EndpointShape.NoInput,
        ["declineInvitationCurrentUser"] = EndpointShape.NoInput,
        ["listOAuthConsentsCurrentUser"] = EndpointShape.NoInput,
        ["withdrawOAuthConsentCurrentUser"] = EndpointShape.NoInput,
        ["changePasswordCurrentUser"] = new(["currentPassword", "newPassword"], []),
        ["createOrganization"] = new(["organizationName"], []),
        ["listOrganizations"] = EndpointShape.NoInput,
        ["getOrganizationInfo"] = EndpointShape.NoInput,
        ["deleteOrganization"] = EndpointShape.NoInput,
        ["addOrganizationMember"] = new(["usernameOrEmail", "role", "datasets:a"], []),
        ["removeOrganizationMember"] = new(["id:n"], []),
        ["setOrganizationMemberRole"] = new(["role"], []),
        ["addOrganizationApiKey"] = new(["name", "apiKey", "role", "ttl:n", "rateLimits:a", "credits", "allowedIps:a"], []),
        ["updateOrganizationApiKey"] = new(["name", "rateLimits:a", "credits", "allowedIps:a"], []),
        ["rollOrganizationApiKey"] = new(["graceSeconds:n", "graceFromFirstUse:b"], []),
        ["listOrganizationApiKeys"] = EndpointShape.NoInput,
        ["revokeOrganizationApiKey"] = EndpointShape.NoInput,
        ["whitelabelAdminGetInfo"] = EndpointShape.NoInput,
        ["whitelabelAdminCreateOrganization"] = new(["organizationName", "adminId:n", "adminEmail"], []),
        ["whitelabelAdminGetOrganizations"] = new([], ["limit", "offset", "search", "includeDeleted"]),
        ["whitelabelAdminGetOrganizationInfo"] = new([], ["includeDeleted"]),
        ["whitelabelAdminDeleteOrganization"] = EndpointShape.NoInput,
        ["whitelabelAdminAddOrganizationApiKey"] = new(["name", "apiKey", "role", "ttl:n", "rateLimits:a", "credits", "allowedIps:a"], []),
        ["whitelabelAdminUpdateOrganizationApiKey"] = new(["name", "rateLimits:a", "credits", "allowedIps:a"], []),
        ["whitelabelAdminRollOrganizationApiKey"] = new(["graceSeconds:n", "graceFromFirstUse:b"], []),
        ["whitelabelAdminListOrganizationApiKeys"] = EndpointShape.NoInput,
        ["whitelabelAdminRevokeOrganizationApiKey"] = EndpointShape.NoInput,
        ["getOrganizationAuditLog"] = new([], ["limit", "offset"]),
        ["whitelabelAdminGetOrganizationAuditLog"] = new([], ["limit", "offset"]),
        ["checkAuth"] = new([], ["organization", "role"]),
        ["getOrganizationApiKeyPolicy"] = EndpointShape.NoInput,
        ["setOrganizationApiKeyPolicy"] = new(["onExposure", "expiringNoticeDays:n", "maxTtlSeconds:n", "requireExpiry:b", "allowedRoles:a", "defaultRateLimits:a", "defaultAllowedIps:a"], []),
        ["githubSecretScanning"] = new(["token", "type", "url", "source"], []),
        ["discloseLeakedKeys"] = new(["keys:a", "url", "source"], []),
        ["createOrganizationOAuthClient"] = new(["name", "description", "homepageUrl", "redirectUris:a", "scopes:a", "isPublic:b", "allowedGrantTypes:a"], []),
        ["listOrganizationOAuthClients"] = EndpointShape.NoInput,
        ["getOrganizationOAuthClient"] = EndpointShape.NoInput,
        ["updateOrganizationOAuthClient"] = new(["name", "description", "homepageUrl", "redirectUris:a", "scopes:a", "allowedGrantTypes:a"], []),
        ["rotateOrganizationOAuthClientSecret"] = EndpointShape.NoInput,
        ["deleteOrganizationOAuthClient"] = EndpointShape.NoInput,
        ["createOrganizationWebhook"] = new(["url", "events:a", "description"], []),
        ["listOrganizationWebhooks"] = EndpointShape.NoInput,
        ["deleteOrganizationWebhook"] = EndpointShape.NoInput,
        ["rotateOrganizationWebhookSecret"] = EndpointShape.NoInput,
        ["listOrganizationWebhookDeliveries"] = EndpointShape.NoInput,
        ["redeliverOrganizationWebhookDelivery"] = EndpointShape.NoInput,
        ["testOrganizationWebhook"] = EndpointShape.NoInput,
        ["GET /v1/openapi.json"] = EndpointShape.NoInput,
        ["GET /v1/docs/{documentName?}"] = EndpointShape.NoInput,
        ["GET /v1/docs/favicon.svg"] = EndpointShape.NoInput,
        ["GET /v1/docs/scalar.aspnetcore.js"] = EndpointShape.NoInput,
        ["GET /v1/docs/scalar.js"] = EndpointShape.NoInput,
    };

    private static readonly string[] JunkNames = ["", "__proto__", "constructor", "success", "error", "id", "Name", "ROLE", "organizationid", "\u0000", "ünïcödé", "a.b", "$ref"];

    private static readonly string[] Roles = ["admin", "member", "guest", "Admin", "ADMIN", "owner", "", " admin", "admin\u0000"];

    private static readonly string[] RawNumbers =
    [
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e3", "1E400", "-1e-400", "1.5", "0.0000001", "315576001", "86401", "60",
    ];

    private static readonly string[] RawBroken = ["NaN", "Infinity", "-Infinity", "undefined", "'single'", "01", "+1", "0x10", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "tru", "nul"];

    private static readonly string[] SpecialStrings =
    [
        "", " ", "\t\n", "\u0000", "a\u0000b", "\u202e", "\ud83d\ude00", "null", "true", "0", "-1", "ei_", "ei_ ", "ei_\u0000" + new string('a', 40),
        "alice", "ALICE", "alice@example.com", "<script>alert(1)</script>", "' OR 1=1 --", "\"; DROP TABLE \"Users\"; --",
        "../../etc/passwd", "%00", "%s%s%s", "{{7*7}}", "\\", "x@y", "@", "ei_custom_" + new string('0', 30),
    ];

    private static readonly string[] PathLiterals =
    [
        "0", "-1", "-2147483648", "2147483647", "2147483648", "99999999999999999999", "abc", "1.5", "1e3", "+1", " 1", "0x1",
        // No %00: the in-memory test server's client refuses it before the service sees it (Kestrel answers 400).
        "00001", "١", "%2F", "%20", "..", "null", "", "1;DROP", new string('9', 300),
    ];

    private static readonly string[] QueryValues =
    [
        "", "0", "1", "-1", "50", "1000", "1001", "2147483648", "abc", "true", "false", "TRUE", "1.5", "maybe", "%00", "null",
        new string('x', 129), new string('x', 5000), "acme", "ünï",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json", "application/json", "application/json", "application/json", "application/json",
        "application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain",
        "application/x-www-form-urlencoded", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "",
    ];

    public static Gen<FuzzRequest> For(EndpointShape shape, int pathParameters) =>
        Gen.Select(
            Paths.Array[pathParameters],
            Query(shape),
            Credentials,
            Gen.OneOf<string?>(null, null, null, null, "Bearer", "Bearer abc", "Basic YWxpY2U6cGFzcw==", "Bearer " + new string('a', 5000)),
            Body(shape),
            (path, query, creds, authorization, body) => new FuzzRequest(path, query, creds.Key, creds.Header, creds.Cookie, authorization, body));

    private static Gen<T> Weighted<T>(params (int Weight, Gen<T> Gen)[] choices)
    {
        var total = choices.Sum(c => c.Weight);
        return Gen.Int[0, total - 1].SelectMany(roll =>
        {
            foreach (var (weight, gen) in choices)
            {
                if (roll < weight)
                {
                    return gen;
                }

                roll -= weight;
            }

            return choices[^1].Gen;
        });
    }

    private static readonly Gen<string> AnyString = Weighted(
        (3, Gen.String[0, 24]),
        (3, Gen.Char[" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@+"].Array[0, 40].Select(c => new string(c))),
        (3, Gen.OneOf(SpecialStrings)),
        (1, Gen.OneOf(15, 31, 32, 64, 65, 129, 254, 255, 256, 257, 1000, 70_000).Select(n => new string('k', n))),
        (1, Gen.Int[29, 70].Select(n => "ei_" + string.Concat(Enumerable.Repeat("0123456789abcdef", 5))[..n])));

    private static readonly Gen<PathValue> Paths = Weighted(
        (10, Gen.Int[0, 15].Select(slot => new PathValue(slot, null))),
        (2, Gen.OneOf(PathLiterals).Select(l => new PathValue(0, l))),
        (1, Gen.Int.Select(i => new PathValue(0, i.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.String[0, 8].Select(s => new PathValue(0, s))));

    private static readonly Gen<Credential> OneCredential = Weighted(
        (1, Gen.Const(Credential.None)),
        (20, Gen.Int[0, 15].Select(slot => new Credential(CredentialKind.Valid, slot, ""))),
        (4, Gen.Select(Gen.Enum<CredentialKind>(), Gen.Int[0, 15], (kind, slot) => new Credential(kind, slot, ""))),
        (2, AnyString.Select(s => new Credential(CredentialKind.Garbage, 0, s))));

    private static readonly Gen<(Credential Key, Credential Header, Credential Cookie)> Credentials =
        Weighted(
            (8, Gen.Select(OneCredential, Gen.Int[0, 2], (c, carrier) => carrier switch
            {
                0 => (c, Credential.None, Credential.None),
                1 => (Credential.None, c, Credential.None),
                _ => (Credential.None, Credential.None, c),
            })),
            (1, Gen.Select(OneCredential, OneCredential, OneCredential)),
            (1, Gen.Const((Credential.None, Credential.None, Credential.None))));

    private static Gen<QueryPair[]> Query(EndpointShape shape)
    {
        var names = shape.Query.Length == 0 ? ["limit", "x"] : shape.Query.Concat(["x", "LIMIT"]).ToArray();
        var pair = Gen.Select(Gen.OneOf(names), Weighted((4, Gen.OneOf(QueryValues)), (1, Gen.String[0, 12])), (n, v) => new QueryPair(n, v));
        return Weighted((shape.Query.Length == 0 ? 6 : 1, Gen.Const(Array.Empty<QueryPair>())), (2, pair.Array[1, 4]));
    }

    private static readonly Gen<JsonValue> Scalar = Weighted(
        (4, Gen.Int[0, 63].Select(slot => (JsonValue)new JsonWorldString(slot))),
        (2, Gen.Int[0, 63].Select(slot => (JsonValue)new JsonWorldId(slot))),
        (2, Gen.OneOf(Roles).Select(r => (JsonValue)new JsonText(r))),
        (4, AnyString.Select(s => (JsonValue)new JsonText(s))),
        (2, Gen.OneOf(RawNumbers).Select(n => (JsonValue)new JsonRaw(n))),
        (1, Gen.Long.Select(n => (JsonValue)new JsonRaw(n.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.Double.Select(d => (JsonValue)new JsonRaw(double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0"))),
        (2, Gen.OneOf("true", "false", "null").Select(l => (JsonValue)new JsonRaw(l))),
        (1, Gen.OneOf(RawBroken).Select(b => (JsonValue)new JsonRaw(b))));

    private static Gen<JsonValue> Value(int depth) => depth == 0
        ? Scalar
        : Weighted(
            (8, Scalar),
            (1, Value(depth - 1).Array[0, 3].Select(items => (JsonValue)new JsonList(items))),
            (1, Gen.Select(Gen.OneOf(JunkNames), Value(depth - 1), (n, v) => (n, v)).Array[0, 3].Select(m => (JsonValue)new JsonMap(m))));

    /// <summary>A nest deeper than the serializer allows (16), of arrays or objects.</summary>
    private static readonly Gen<JsonValue> Deep = Gen.Select(Gen.Int[10, 3000], Gen.Bool, (depth, arrays) => (JsonValue)new JsonRaw(arrays
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));

    /// <summary>A value of the field's own type most of the time (so one wrong field does not hide the rest), anything otherwise.</summary>
    private static Gen<JsonValue> FieldValue(char type) => Weighted(
        (5, type switch
        {
            'n' => Weighted(
                (3, Gen.Int[0, 63].Select(slot => (JsonValue)new JsonWorldId(slot))),
                (2, Gen.OneOf(RawNumbers).Select(n => (JsonValue)new JsonRaw(n))),
                (1, Gen.Long.Select(n => (JsonValue)new JsonRaw(n.ToString(CultureInfo.InvariantCulture))))),
            'b' => Gen.OneOf("true", "false").Select(l => (JsonValue)new JsonRaw(l)),
            'a' => Scalar.Array[0, 3].Select(items => (JsonValue)new JsonList(items)),
            _ => Weighted(
                (3, Gen.Int[0, 63].Select(slot => (JsonValue)new JsonWorldString(slot))),
                (2, Gen.OneOf(Roles).Select(r => (JsonValue)new JsonText(r))),
                (2, AnyString.Select(v => (JsonValue)new JsonText(v)))),
        }),
        (1, Value(2)));

    /// <summary>Each real field present three times in four, then a couple of junk (or repeated) members.</summary>
    private static Gen<JsonValue> Object(EndpointShape shape)
    {
        var fields = (shape.Fields.Length == 0 ? ["name"] : shape.Fields).Select(f => (Name: f.Split(':')[0], Type: f.Contains(':', StringComparison.Ordinal) ? f[^1] : 's')).ToArray();
        var junk = Gen.Select(Weighted((3, Gen.OneOf(JunkNames)), (1, Gen.OneOf(fields.Select(f => f.Name).ToArray())), (1, Gen.String[0, 10])), Value(2), (n, v) => (n, v));
        var real = fields.Select(f => Gen.Select(Gen.Int[0, 3], FieldValue(f.Type), (presence, value) => (f.Name, Present: presence != 0, value)));
        return Gen.Select(Sequence(real), junk.Array[0, 2], Gen.Bool,
            (members, j, junkFirst) =>
            {
                (string, JsonValue)[] present = [.. members.Where(m => m.Present).Select(m => (m.Name, m.value))];
                return (JsonValue)new JsonMap(junkFirst ? [.. j, .. present] : [.. present, .. j]);
            });
    }

    private static Gen<T[]> Sequence<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<T>()), (all, next) => Gen.Select(all, next, (items, item) => (T[])[.. items, item]));

    private static Gen<FuzzBody> Body(EndpointShape shape)
    {
        var contentType = Gen.OneOf(ContentTypes).Select(c => c.Length == 0 ? null : c);
        var json = Weighted((12, Object(shape)), (2, Value(2)), (1, Deep));
        var withJson = Gen.Select(Gen.OneOf(BodyKind.Json, BodyKind.Json, BodyKind.Json, BodyKind.Json, BodyKind.Truncated, BodyKind.InvalidUtf8),
            json, Gen.Int[0, 10_000], Gen.OneOf<byte[]>([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00]), contentType,
            (kind, value, cut, bytes, type) => new FuzzBody(kind, value, bytes, cut, type));
        var raw = Gen.Select(Gen.Byte.Array[0, 64], contentType, (bytes, type) => new FuzzBody(BodyKind.Bytes, null, bytes, 0, type));
        return Weighted((shape.Fields.Length == 0 ? 8 : 1, Gen.Const(FuzzBody.None)), (shape.Fields.Length == 0 ? 2 : 12, withJson), (1, raw));
    }
}
