using System.Globalization;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data.Entities;
using OrgKeys.Organizations;

namespace OrgKeys.ForwardAuth;

/// <summary>
/// What <c>/v1/auth/check</c> answers a signed-in caller of any kind: 204 with who it is and as
/// which organization and role it acts, or 403 when the query asks for more than it has. The
/// endpoint and the fast path both ask this class; the 400 of a bad query is <see cref="CheckQuery.Parse"/>.
/// </summary>
public sealed class ForwardAuthCheck(AuthCache cache, TimeProvider time)
{
    public const string OrganizationHeader = "X-OrgKeys-Organization";
    public const string RoleHeader = "X-OrgKeys-Role";
    public const string SubjectHeader = "X-OrgKeys-Subject";

    /// <summary>
    /// Set for a key minted on behalf of a white label: <c>whitelabel:ID</c>, and <c>user:ID</c> of the
    /// white label admin who minted it when a user did.
    /// </summary>
    public const string OnBehalfOfHeader = "X-OrgKeys-On-Behalf-Of";

    /// <summary>An OAuth access token's scopes, space-separated.</summary>
    public const string ScopesHeader = "X-OrgKeys-Scopes";

    /// <summary>From memory alone: true with the access to name when the answer is a 204; false for a 403 or when only the database can tell.</summary>
    public bool TryAllowCached(Caller caller, in CheckQuery query, out CallerAccess access) =>
        caller.TryResolveCached(query.Organization, cache, time.GetUtcNow(), out access) && query.Refusal(access) is null;

    /// <summary>The caller's access, and why the query is a 403 (null: a 204).</summary>
    public async ValueTask<(CallerAccess Access, string? Forbidden)> DecideAsync(
        Caller caller, CheckQuery query, AccessLookup lookup, CancellationToken cancellationToken)
    {
        var access = await caller.ResolveAsync(query.Organization, lookup, cancellationToken);
        return (access, query.Refusal(access));
    }

    /// <summary>The 204's headers: who the credential is, and as which organization and role it acts.</summary>
    public static void Allow(HttpResponse response, Caller caller, CallerAccess access)
    {
        var headers = response.Headers;
        headers[SubjectHeader] = caller.Subject;
        if (caller.OnBehalfOf is { } onBehalfOf)
        {
            headers[OnBehalfOfHeader] = onBehalfOf;
        }

        if (caller.Scope is { } scope)
        {
            headers[ScopesHeader] = scope;
        }

        if (access is { OrganizationId: { } organizationId, Role: { } role })
        {
            headers[OrganizationHeader] = organizationId.ToString(CultureInfo.InvariantCulture);
            headers[RoleHeader] = OrganizationRoles.Name(role);
        }

        response.StatusCode = StatusCodes.Status204NoContent;
    }
}

/// <summary>What a check asks for in its query: an organization to act in, a least role there, and how many credits the request costs.</summary>
public readonly record struct CheckQuery(int? Organization, OrganizationRole? Role, long Cost = 1)
{
    /// <summary>A check with no query: any organization, any role, one credit (<c>default</c> would cost none).</summary>
    public static readonly CheckQuery None = new(null, null);

    /// <summary>The most credits one check may spend.</summary>
    public const long MaxCost = 1_000_000;

    /// <summary>Null, or why the query is a 400.</summary>
    public static string? Parse(string? organization, string? role, string? cost, out CheckQuery query)
    {
        query = None;
        var spend = 1L;
        if (cost is not null && !(long.TryParse(cost, NumberStyles.None, CultureInfo.InvariantCulture, out spend) && spend is >= 1 and <= MaxCost))
        {
            return $"'cost' must be a whole number of credits from 1 to {MaxCost}.";
        }

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

        query = new CheckQuery(wantedOrganization, wantedRole, spend);
        return null;
    }

    /// <summary>Null when a credential acting with <paramref name="access"/> has what was asked; else why it is a 403.</summary>
    public string? Refusal(CallerAccess access)
    {
        if (Organization is not null && access.OrganizationId != Organization)
        {
            return "This credential does not give access to that organization.";
        }

        return Role is { } wanted && (access.Role is null || access.Role < wanted)
            ? OrganizationRoles.Requires(wanted)
            : null;
    }
}
