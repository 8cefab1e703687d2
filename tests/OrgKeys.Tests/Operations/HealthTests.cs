using System.Net;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Operations;

/// <summary>
/// <c>/v1/api-health</c> is answered at routing, before the rest of the pipeline: it must still carry
/// every security header of an API answer, its contract body, and the API's error shape for a wrong method.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly OrgKeysApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Health_AnswersTheContractBody_WithTheApiSecurityHeaders()
    {
        using var client = _app.CreateClient();
        var response = await client.GetAsync(new Uri("/v1/api-health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(16, response.Content.Headers.ContentLength);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Health_WithAnotherMethod_IsTheApis405()
    {
        using var client = _app.CreateClient();
        var response = await client.PostAsync(new Uri("/v1/api-health", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.False((await response.ReadJsonAsync()).GetProperty("success").GetBoolean());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Health_IsAnsweredEvenWithABadCredential_AsAProbeIgnoresThem()
    {
        // A liveness probe says the process answers; a credential on it is neither checked nor counted.
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/api-health");
        request.Headers.Add("x-api-key", "ei_not-a-key");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
