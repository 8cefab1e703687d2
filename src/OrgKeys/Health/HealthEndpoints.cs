using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Infrastructure;

namespace OrgKeys.Health;

/// <summary><c>/v1/api-health</c>: no credential, no database; the ceiling the hot path is measured against.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/api-health", Health).WithName("health").WithTags("Health").WithSummary("Get health").AllowAnonymous();
        return routes;
    }

    public static Ok<ApiOk> Health() => ApiResults.Ok();
}
