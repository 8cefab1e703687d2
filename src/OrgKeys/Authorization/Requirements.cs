using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data.Entities;
using OrgKeys.OAuth;
using OrgKeys.Organizations;

namespace OrgKeys.Authorization;

/// <summary>A failure that must look exactly like a missing resource: never reveal that it exists.</summary>
public sealed class NotFoundReason(IAuthorizationHandler handler, string message) : AuthorizationFailureReason(handler, message);

/// <summary>The caller must hold at least <see cref="MinimumRole"/> in the route's <c>{organizationId}</c>.</summary>
public sealed record OrganizationRoleRequirement(OrganizationRole MinimumRole) : IAuthorizationRequirement;

/// <summary>Only a signed-in user (not an API key) may call this endpoint.</summary>
public sealed record UserRequirement : IAuthorizationRequirement;

/// <summary>
/// Reads <c>{organizationId}</c> from the route and fails closed when it is missing. An API key acts
/// only on its own organization; a user with their membership role. Not a member: 404. A member
/// below the required role: 403.
/// </summary>
internal sealed class OrganizationRoleHandler : AuthorizationHandler<OrganizationRoleRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OrganizationRoleRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || !int.TryParse(http.GetRouteValue("organizationId") as string, NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId))
        {
            context.Fail(new NotFoundReason(this, "Organization not found."));
            return;
        }

        var access = http.Features.Get<OrganizationAccess>() ?? await ResolveAsync(context, http, organizationId);
        if (access is null)
        {
            context.Fail(new NotFoundReason(this, "Organization not found."));
            return;
        }

        http.Features.Set(access);
        if (access.Role < requirement.MinimumRole)
        {
            context.Fail(new AuthorizationFailureReason(this,
                OrganizationRoles.Requires(requirement.MinimumRole)));
            return;
        }

        context.Succeed(requirement);
    }

    private static async Task<OrganizationAccess?> ResolveAsync(AuthorizationHandlerContext context, HttpContext http, int organizationId)
    {
        if (context.User.AsApiKey() is { } apiKey)
        {
            return apiKey.Key.OrganizationId == organizationId
                ? new OrganizationAccess(organizationId, apiKey.Key.Role, null, apiKey.Key)
                : null;
        }

        if (context.User.AsOAuthClient() is { } client)
        {
            // A client-credentials token acts as its client's organization, as an admin key would.
            return client.OrganizationId == organizationId ? new OrganizationAccess(organizationId, OrganizationRole.Admin, null, null) : null;
        }

        if (context.User.AsUser() is not { } user)
        {
            return null;
        }

        // Taken from the request only for a user: a key or a client token resolves without the per-request lookup.
        var role = await http.RequestServices.GetRequiredService<AccessLookup>().RoleAsync(organizationId, user.UserId, http.RequestAborted);
        return role is null ? null : new OrganizationAccess(organizationId, role.Value, user.UserId, null);
    }
}

internal sealed class UserRequirementHandler : AuthorizationHandler<UserRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UserRequirement requirement)
    {
        if (context.User.AsUser() is not null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new NotFoundReason(this, "Not found."));
        }

        return Task.CompletedTask;
    }
}
