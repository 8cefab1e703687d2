using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Data;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>One mapped endpoint: the key the generators know it by, its method and its route.</summary>
public sealed record MappedEndpoint(string Operation, string Method, RoutePattern Pattern);

public sealed record FuzzResponse(int Status, string Body, string Path);

/// <summary>
/// One service for all fuzz tests, with the guards that would answer 429 before the handlers turned
/// off (the flood guard) or loosened (login throttling), sign-up on so its handler runs, and a cheap
/// password hash so rebuilding the world is fast.
/// </summary>
public sealed class FuzzFixture : IAsyncLifetime
{
    private FuzzWorld? _world;
    private int _generation;

    public OrgKeysApp App { get; } = new(
        new()
        {
            ["OrgKeys:Throttle:FailedCredentialsPerWindow"] = "0",
            ["OrgKeys:Login:FreeAttemptsPerAccount"] = "1000000",
            ["OrgKeys:Login:FreeAttemptsPerAddress"] = "1000000",
            ["OrgKeys:Signup:Enabled"] = "true",
        },
        services => services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1000));

    public HttpClient Client { get; private set; } = null!;

    public IReadOnlyDictionary<string, MappedEndpoint> Endpoints { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        Endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // The OAuth protocol endpoints answer in RFC 6749's error shape, not the contract's: tests/OAuth cover them.
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/oauth/", StringComparison.Ordinal) != true)
            // The API only: pages answer HTML and are driven by the browser tests (tests/Console).
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method =>
                new MappedEndpoint(e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{method} {e.RoutePattern.RawText}", method, e.RoutePattern)))
            .ToDictionary(e => e.Operation, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }

    public async Task<FuzzWorld> WorldAsync() => _world ??= await FuzzWorld.CreateAsync(App, ++_generation);

    /// <summary>Something changed: the next request gets a fresh world.</summary>
    public void Invalidate() => _world = null;

    public async Task<string[]> SnapshotAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await DatabaseSnapshot.TakeAsync(scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>());
    }

    public async Task<FuzzResponse> SendAsync(MappedEndpoint endpoint, FuzzRequest request, FuzzWorld world)
    {
        var path = Path(endpoint.Pattern, request.Path, world);
        if (request.Query.Length > 0)
        {
            path += "?" + string.Join("&", request.Query.Select(q => $"{Uri.EscapeDataString(q.Name)}={Uri.EscapeDataString(q.Value)}"));
        }

        using var message = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(path, UriKind.Relative));
        AddCredential(message, "x-api-key", request.ApiKey, world.ApiKey);
        AddCredential(message, "x-jwt-token", request.JwtHeader, world.Jwt);
        if (request.JwtCookie.Kind != CredentialKind.Absent)
        {
            message.Headers.TryAddWithoutValidation("Cookie", "jwt=" + HeaderSafe(world.Jwt(request.JwtCookie)));
        }

        if (request.Authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
        }

        if (request.Body.Render(world) is { } body)
        {
            message.Content = new ByteArrayContent(body);
            if (request.Body.ContentType is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await Client.SendAsync(message);
        return new FuzzResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(), path);
    }

    private static void AddCredential(HttpRequestMessage message, string header, Credential credential, Func<Credential, string> resolve)
    {
        if (credential.Kind == CredentialKind.Absent)
        {
            return;
        }

        var value = HeaderSafe(resolve(credential));
        message.Headers.TryAddWithoutValidation(header, value);
        if (credential.Kind == CredentialKind.Twice)
        {
            message.Headers.TryAddWithoutValidation(header, value);
        }
    }

    /// <summary>HttpClient itself refuses line breaks and NUL in a header; anything else goes.</summary>
    private static string HeaderSafe(string value) => value.Replace("\r", "", StringComparison.Ordinal)
        .Replace("\n", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal);

    private static string Path(RoutePattern pattern, PathValue[] values, FuzzWorld world)
    {
        var path = new StringBuilder();
        var next = 0;
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        var value = values[next++];
                        path.Append(value.Literal switch
                        {
                            null => world.RouteId(parameter.Name, value.Slot).ToString(System.Globalization.CultureInfo.InvariantCulture),
                            // Already escaped on purpose: %00, %2F.
                            ['%', ..] => value.Literal,
                            _ => Uri.EscapeDataString(value.Literal),
                        });
                        break;
                }
            }
        }

        return path.ToString();
    }
}
