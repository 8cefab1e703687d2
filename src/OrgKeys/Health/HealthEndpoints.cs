using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Infrastructure;

namespace OrgKeys.Health;

/// <summary><c>/v1/api-health</c>: no credential, no database; the ceiling the hot path is measured against.</summary>
public static class HealthEndpoints
{
    /// <param name="v1">The <c>/v1</c> group.</param>
    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder v1)
    {
        v1.MapGet("/api-health", Health).WithName("health").WithTags("Health").WithSummary("Get health").AllowAnonymous();
        return v1;
    }

    public static Ok<ApiOk> Health() => ApiResults.Ok();
}
