using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrgKeys.Infrastructure;

namespace OrgKeys.Health;

/// <summary>
/// <c>/v1/api-health</c> (liveness): no credential, no database; the ceiling the hot path is measured
/// against. <c>/v1/api-ready</c> (readiness, an OrgKeys extension): the checks of <see cref="ReadinessChecks"/>.
/// </summary>
public static class HealthEndpoints
{
    /// <param name="v1">The <c>/v1</c> group.</param>
    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder v1)
    {
        v1.MapGet("/api-health", Health).WithName("health").WithTags("Health").WithSummary("Get health").AllowAnonymous().ShortCircuit();
        v1.MapGet("/api-ready", ReadyAsync).WithName("ready").WithTags("Health").WithSummary("Get readiness")
            .WithDescription("OrgKeys extension. 200 when the database answers, every migration is applied and, on PostgreSQL, " +
                "the change listener is connected; otherwise 503 naming the failing checks. For load balancers.")
            .AllowAnonymous();
        return v1;
    }

    // Answered at routing (ShortCircuit): a probe carries no credential, query or body, so no middleware after routing
    // has a job on it; it writes the API's security headers itself, and the host still counts it under its route.
    public static SerializedOk<ApiOk> Health(HttpResponse response, IOptions<JsonOptions> json)
    {
        SecurityHeaders.SetApi(response);
        return SerializedOk.Of(ApiOk.Instance, static ok => ok, json);
    }

    public static async Task<Results<Ok<ApiOk>, JsonHttpResult<ApiError>>> ReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(ReadinessChecks.Tag), cancellationToken);
        if (report.Status == HealthStatus.Healthy)
        {
            return ApiResults.Ok();
        }

        // Names and our own descriptions only: an exception's text may carry connection details.
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => e.Value.Exception is null && e.Value.Description is { } d ? $"{e.Key} ({d})" : e.Key);
        return ApiResults.Status(StatusCodes.Status503ServiceUnavailable, $"not ready: {string.Join(", ", failing)}");
    }
}
