using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>
/// Generated bodies, headers and route values at every endpoint the service maps. Whatever arrives:
/// never a 5xx; every 4xx has the contract's shape <c>{success:false, error}</c>; and no 4xx changes
/// a single row. The seed is fixed (set <c>ORGKEYS_FUZZ_SEED</c> to replay the one a failure prints,
/// <c>ORGKEYS_FUZZ_ITERATIONS</c> to search longer).
/// </summary>
public class EndpointFuzzTests(FuzzFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzFixture>
{
    private const string DefaultSeed = "1xn1HwIbwfUS";
    private static readonly string Seed = Environment.GetEnvironmentVariable("ORGKEYS_FUZZ_SEED") is { Length: > 0 } seed ? seed : DefaultSeed;
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("ORGKEYS_FUZZ_ITERATIONS"), out var n) ? n : 40;

    public static TheoryData<string> Operations => new(FuzzGenerators.Shapes.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void EveryMappedEndpoint_HasAGenerator_AndEveryGenerator_AnEndpoint()
    {
        var mapped = fixture.Endpoints.Keys.ToHashSet(StringComparer.Ordinal);
        Assert.Empty(mapped.Except(FuzzGenerators.Shapes.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(FuzzGenerators.Shapes.Keys.Except(mapped).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task GeneratedRequests_NeverGet5xx_AndRefusalsHaveTheErrorShape_AndChangeNothing(string operation)
    {
        Assert.True(fixture.Endpoints.TryGetValue(operation, out var endpoint), $"{operation} is not mapped.");
        var statuses = new SortedDictionary<int, int>();
        await FuzzGenerators.For(FuzzGenerators.Shapes[operation], endpoint.Pattern.Parameters.Count).SampleAsync(async request =>
        {
            var world = await fixture.WorldAsync();
            var before = await fixture.SnapshotAsync();
            var response = await fixture.SendAsync(endpoint, request, world);
            statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
            if (Environment.GetEnvironmentVariable("ORGKEYS_FUZZ_TRACE") is not null)
            {
                output.WriteLine($"{response.Status} {response.Body} <- {request}");
            }

            var what = $"{endpoint.Method} {response.Path} answered {response.Status}: {Fuzz.Short(response.Body)}";

            Assert.True(response.Status < 500, what);
            if (response.Status >= 400)
            {
                AssertErrorShape(response.Body, what);
                var diff = DatabaseSnapshot.Diff(before, await fixture.SnapshotAsync());
                Assert.True(diff.Length == 0, $"{what}{Environment.NewLine}and changed the database:{Environment.NewLine}{diff}");
            }
            else if (endpoint.Method != "GET")
            {
                fixture.Invalidate();
            }
        }, seed: Seed, iter: Iterations, threads: 1, print: r => r.ToString());

        output.WriteLine($"{operation}: {string.Join(", ", statuses.Select(s => $"{s.Value}x {s.Key}"))}");
    }

    private static void AssertErrorShape(string body, string what)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            Assert.Fail($"{what}: the body is not JSON.");
            return;
        }

        Assert.True(root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False
            && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            && error.GetString()!.Length > 0, $"{what}: not the contract's {{success:false, error}}.");
    }
}
