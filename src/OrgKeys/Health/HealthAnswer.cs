using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using OrgKeys.Infrastructure;

namespace OrgKeys.Health;

/// <summary>
/// The liveness answer, <c>{"success":true}</c>, serialized once by the API's JSON options and written in
/// one piece with its length and the API's security headers. It is answered at routing
/// (<see cref="RouteShortCircuitEndpointConventionBuilderExtensions.ShortCircuit"/>): a probe carries no
/// credential, query or body, so no middleware after routing has a job on it; the hosting metrics
/// (<c>http.server.request.duration</c>, with its route) are recorded by the host, before the pipeline.
/// </summary>
public sealed class HealthAnswer : IResult, IEndpointMetadataProvider
{
    public static readonly HealthAnswer Instance = new();

    private static byte[]? s_body;

    private HealthAnswer()
    {
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var body = s_body ??= JsonSerializer.SerializeToUtf8Bytes(ApiOk.Instance,
            httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        var response = httpContext.Response;
        SecurityHeaders.SetApi(response);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    /// <summary>Described in the OpenAPI document as the <see cref="ApiOk"/> it writes, as <c>Ok&lt;ApiOk&gt;</c> was.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ApiOk), ["application/json"]));
}
