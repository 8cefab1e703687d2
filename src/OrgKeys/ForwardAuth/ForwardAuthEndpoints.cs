using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Infrastructure;
using static OrgKeys.ForwardAuth.ForwardAuthCheck;

namespace OrgKeys.ForwardAuth;

/// <summary>
/// <c>GET /v1/auth/check</c> (an OrgKeys extension): the question a reverse proxy asks before every
/// request it forwards (nginx <c>auth_request</c>, Traefik ForwardAuth, Envoy ext_authz). The
/// credential is checked by the same authentication as the API; 204 names who it is.
/// </summary>
public static class ForwardAuthEndpoints
{
    public static IEndpointRouteBuilder MapForwardAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/auth/check", Check)
            .WithName("checkAuth")
            .WithTags("Forward auth")
            .WithSummary("Check a credential for a reverse proxy")
            .WithDescription(
                "OrgKeys extension. Verifies the x-api-key, x-jwt-token or jwt cookie of the request and answers 204 with " +
                $"{OrganizationHeader}, {RoleHeader} and {SubjectHeader} (apikey:ID or user:ID), 401 when the credential is " +
                "missing or invalid, or 403 when the 'organization' or 'role' query parameter asks for more than it has. " +
                "A key's rules apply as to any request: 403 when its organization's key policy blocks it or its allowlist " +
                "refuses the address, 429 with Retry-After and the RateLimit header fields over a rate limit or out of credits; " +
                "'cost' (default 1) is how many credits the request spends.")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .WithMetadata(ForwardAuthFastPath.Endpoint.Instance)
            .RequireAuthorization();
        return routes;
    }

    /// <param name="http">The request, signed in by any credential.</param>
    /// <param name="parameters">The query: what the credential must give access to, and what the request costs.</param>
    /// <param name="lookup">Membership roles, through the auth cache.</param>
    /// <param name="check">The decision, shared with the fast path.</param>
    public static async Task<Results<NoContent, BadRequest<ApiError>, JsonHttpResult<ApiError>>> Check(
        HttpContext http, [AsParameters] CheckParameters parameters, AccessLookup lookup, ForwardAuthCheck check)
    {
        if (CheckQuery.Parse(parameters.Organization, parameters.Role, parameters.Cost, out var query) is { } invalid)
        {
            return ApiResults.BadRequest(invalid);
        }

        if (http.User.AsCaller() is not { } caller)
        {
            // Signed in by something that is not a credential carrier: nothing to name.
            return ApiResults.Unauthorized("Authentication required: send an API key (x-api-key) or a JWT (x-jwt-token header or jwt cookie).");
        }

        var (access, forbidden) = await check.DecideAsync(caller, query, lookup, http.RequestAborted);
        if (forbidden is not null)
        {
            return ApiResults.Forbidden(forbidden);
        }

        ForwardAuthCheck.Allow(http.Response, caller, access);
        return TypedResults.NoContent();
    }
}

/// <param name="Organization">The organization the credential must act in.</param>
/// <param name="Role">The least role it must hold there: guest, member or admin.</param>
/// <param name="Cost">The credits the request spends, 1 by default (the key gate spends them before the endpoint runs).</param>
public readonly record struct CheckParameters(
    [property: FromQuery(Name = "organization")] string? Organization,
    [property: FromQuery(Name = "role")] string? Role,
    [property: FromQuery(Name = "cost")] string? Cost);
