using System.Text.Json;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Contract;

/// <summary>
/// The contract check (Prism in the conformance run) is only as strict as our document: strings must
/// be typed as strings, and every operation must say what its unlisted statuses carry.
/// </summary>
public sealed class OpenApiDocumentTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private readonly OrgKeysApp _app = shared.App;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        await _app.ResetAsync();
        _document = await (await _app.CreateClient().GetAsync(new Uri("/v1/openapi.json", UriKind.Relative))).ReadJsonAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("ApiError", "error")]
    [InlineData("AddApiKeyResponse", "apiKey")]
    [InlineData("LoginResponse", "token")]
    [InlineData("OrganizationApiKey", "name")]
    public void StringProperties_AreTypedAsStrings(string schema, string property) =>
        Assert.Equal("string", _document.GetProperty("components").GetProperty("schemas").GetProperty(schema)
            .GetProperty("properties").GetProperty(property).GetProperty("type").GetString());

    [Fact]
    public void EveryOperation_HasTheErrorShape_AsItsDefaultResponse()
    {
        var operations = _document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("responses", out _)).Select(o => (Name: $"{o.Name} {path.Name}", Operation: o.Value)))
            .ToList();
        Assert.NotEmpty(operations);
        foreach (var (name, operation) in operations)
        {
            Assert.True(operation.GetProperty("responses").TryGetProperty("default", out var fallback), $"{name} has no default response");
            Assert.Equal("#/components/schemas/ApiError",
                fallback.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        }
    }
}
