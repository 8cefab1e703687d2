using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;

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
            .WithMetadata(ForwardAuthFastPath.Endpoint.Instance)
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
        if (CheckQuery.Parse(organization, role, out var query) is { } invalid)
        {
            return ApiResults.BadRequest(invalid);
        }

        var (organizationId, held, subject) = await ResolveAsync(http, query.Organization, lookup);
        if (query.Refusal(organizationId, held) is { } refusal)
        {
            return ApiResults.Forbidden(refusal);
        }

        NameIdentity(http.Response.Headers, subject, organizationId, held, http.User.AsApiKey()?.Key);
        return TypedResults.NoContent();
    }

    /// <summary>The 204's headers: who the credential is, and as which organization and role it acts.</summary>
    internal static void NameIdentity(IHeaderDictionary headers, string subject, int? organizationId, OrganizationRole? held, VerifiedApiKey? key)
    {
        headers[SubjectHeader] = subject;
        if (key is { WhiteLabelId: { } whiteLabelId })
        {
            headers[OnBehalfOfHeader] = key.CreatedByUserId is { } adminId
                ? string.Create(CultureInfo.InvariantCulture, $"whitelabel:{whiteLabelId}, user:{adminId}")
                : string.Create(CultureInfo.InvariantCulture, $"whitelabel:{whiteLabelId}");
        }

        if (organizationId is not null)
        {
            headers[OrganizationHeader] = organizationId.Value.ToString(CultureInfo.InvariantCulture);
            headers[RoleHeader] = OrganizationRoles.Name(held!.Value);
        }
    }

    /// <summary>A key acts as its own organization with its own role.</summary>
    internal static (int OrganizationId, OrganizationRole Role, string Subject) Resolve(VerifiedApiKey key) =>
        (key.OrganizationId, key.Role, string.Create(CultureInfo.InvariantCulture, $"apikey:{key.Id}"));

    /// <summary>
    /// A user acts in the organization asked for (<paramref name="wantedOrganization"/>) with the
    /// <paramref name="role"/> they hold there, and in none when they are not a member or none was asked for.
    /// </summary>
    internal static (int? OrganizationId, OrganizationRole? Role, string Subject) Resolve(int userId, int? wantedOrganization, OrganizationRole? role) =>
        (role is null ? null : wantedOrganization, role, string.Create(CultureInfo.InvariantCulture, $"user:{userId}"));

    /// <summary>The organization and role the credential acts with: a key its own; a user their membership in the organization asked for.</summary>
    private static async ValueTask<(int? OrganizationId, OrganizationRole? Role, string Subject)> ResolveAsync(
        HttpContext http, int? wantedOrganization, AccessLookup lookup)
    {
        if (http.User.AsApiKey() is { } apiKey)
        {
            return Resolve(apiKey.Key);
        }

        var userId = http.User.AsUser()!.UserId;
        var role = wantedOrganization is { } organizationId ? await lookup.RoleAsync(organizationId, userId, http.RequestAborted) : null;
        return Resolve(userId, wantedOrganization, role);
    }
}

/// <summary>What a check asks for in its query: an organization to act in, and a least role there.</summary>
internal readonly record struct CheckQuery(int? Organization, OrganizationRole? Role)
{
    /// <summary>Null, or why the query is a 400.</summary>
    public static string? Parse(string? organization, string? role, out CheckQuery query)
    {
        query = default;
        int? wantedOrganization = null;
        if (organization is not null)
        {
            if (!int.TryParse(organization, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return "'organization' must be an organization id.";
            }

            wantedOrganization = parsed;
        }

        OrganizationRole? wantedRole = null;
        if (role is not null)
        {
            if (OrganizationRoles.Parse(role) is not { } parsed)
            {
                return "'role' must be 'guest', 'member' or 'admin'.";
            }

            wantedRole = parsed;
        }

        query = new CheckQuery(wantedOrganization, wantedRole);
        return null;
    }

    /// <summary>Null when the credential, acting in <paramref name="organizationId"/> as <paramref name="held"/>, has what was asked; else why it is a 403.</summary>
    public string? Refusal(int? organizationId, OrganizationRole? held)
    {
        if (Organization is not null && organizationId != Organization)
        {
            return "This credential does not give access to that organization.";
        }

        return Role is { } wanted && (held is null || held < wanted)
            ? OrganizationRoles.Requires(wanted)
            : null;
    }
}
