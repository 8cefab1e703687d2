using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.ApiKeys;
using OrgKeys.Auth;
using OrgKeys.Auth.Caching;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ForwardAuth;

/// <summary>
/// <c>GET /v1/auth/check</c> (an OrgKeys extension): the question a reverse proxy asks before every
/// request it forwards (nginx <c>auth_request</c>, Traefik ForwardAuth, Envoy ext_authz). The
/// credential is checked by the same authentication as the API; 204 names who it is.
/// </summary>
public static class ForwardAuthEndpoints
{
    public const string OrganizationHeader = "X-OrgKeys-Organization";
    public const string RoleHeader = "X-OrgKeys-Role";
    public const string SubjectHeader = "X-OrgKeys-Subject";

    /// <summary>
    /// Set for a key minted on behalf of a white label: <c>whitelabel:ID</c>, and <c>user:ID</c> of the
    /// white label admin who minted it when a user did.
    /// </summary>
    public const string OnBehalfOfHeader = "X-OrgKeys-On-Behalf-Of";

    public static IEndpointRouteBuilder MapForwardAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/auth/check", Check)
            .WithName("checkAuth")
            .WithTags("Forward auth")
            .WithSummary("Check a credential for a reverse proxy")
            .WithDescription(
                "OrgKeys extension. Verifies the x-api-key, x-jwt-token or jwt cookie of the request and answers 204 with " +
                $"{OrganizationHeader}, {RoleHeader} and {SubjectHeader} (apikey:ID or user:ID), 401 when the credential is " +
                "missing or invalid, or 403 when the 'organization' or 'role' query parameter asks for more than it has.")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .RequireAuthorization();
        return routes;
    }

    /// <param name="http">The request, signed in by any credential.</param>
    /// <param name="organization">The organization the credential must act in.</param>
    /// <param name="role">The least role it must hold there: guest, member or admin.</param>
    /// <param name="lookup">Membership roles, through the auth cache.</param>
    public static async Task<Results<NoContent, BadRequest<ApiError>, JsonHttpResult<ApiError>>> Check(
        HttpContext http, string? organization, string? role, AccessLookup lookup)
    {
        int? wantedOrganization = null;
        if (organization is not null)
        {
            if (!int.TryParse(organization, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiResults.BadRequest("'organization' must be an organization id.");
            }

            wantedOrganization = parsed;
        }

        OrganizationRole? wantedRole = null;
        if (role is not null)
        {
            if (ParseRole(role) is not { } parsed)
            {
                return ApiResults.BadRequest("'role' must be 'guest', 'member' or 'admin'.");
            }

            wantedRole = parsed;
        }

        var (organizationId, held, subject) = await ResolveAsync(http, wantedOrganization, lookup);
        if (wantedOrganization is not null && organizationId != wantedOrganization)
        {
            return ApiResults.Forbidden("This credential does not give access to that organization.");
        }

        if (wantedRole is not null && (held is null || held < wantedRole))
        {
            return ApiResults.Forbidden($"This requires the {role} role in the organization.");
        }

        var headers = http.Response.Headers;
        headers[SubjectHeader] = subject;
        if (http.User.AsApiKey()?.Key is { WhiteLabelId: { } whiteLabelId } minted)
        {
            headers[OnBehalfOfHeader] = minted.CreatedByUserId is { } adminId
                ? string.Create(CultureInfo.InvariantCulture, $"whitelabel:{whiteLabelId}, user:{adminId}")
                : string.Create(CultureInfo.InvariantCulture, $"whitelabel:{whiteLabelId}");
        }
        if (organizationId is not null)
        {
            headers[OrganizationHeader] = organizationId.Value.ToString(CultureInfo.InvariantCulture);
            headers[RoleHeader] = ApiKeyEndpoints.RoleName(held!.Value);
        }

        return TypedResults.NoContent();
    }

    /// <summary>The organization and role the credential acts with: a key its own; a user their membership in the organization asked for.</summary>
    private static async ValueTask<(int? OrganizationId, OrganizationRole? Role, string Subject)> ResolveAsync(
        HttpContext http, int? wantedOrganization, AccessLookup lookup)
    {
        if (http.User.AsApiKey() is { } apiKey)
        {
            var key = apiKey.Key;
            return (key.OrganizationId, key.Role, string.Create(CultureInfo.InvariantCulture, $"apikey:{key.Id}"));
        }

        var userId = http.User.AsUser()!.UserId;
        var subject = string.Create(CultureInfo.InvariantCulture, $"user:{userId}");
        if (wantedOrganization is not { } organizationId)
        {
            return (null, null, subject);
        }

        var role = await lookup.RoleAsync(organizationId, userId, http.RequestAborted);
        return role is null ? (null, null, subject) : (organizationId, role, subject);
    }

    private static OrganizationRole? ParseRole(string role) => role switch
    {
        "guest" => OrganizationRole.Guest,
        "member" => OrganizationRole.Member,
        "admin" => OrganizationRole.Admin,
        _ => null,
    };
}
