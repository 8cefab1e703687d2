using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Authorization;

/// <summary>
/// The route's <c>{innerOrganizationId}</c> must be an inner organization of the caller's white label
/// (never the white label's own admin organization), and live unless <see cref="IncludeDeleted"/>.
/// Anything else looks like a missing resource, with <see cref="NotFound"/> as its message.
/// </summary>
public sealed record InnerOrganizationRequirement(bool IncludeDeleted, string NotFound) : IAuthorizationRequirement;

/// <summary>A white label admin inside one of its inner organizations, resolved once during authorization.</summary>
public sealed record InnerOrganizationAccess(int OrganizationId, int WhiteLabelId, Actor Actor)
{
    public static ValueTask<InnerOrganizationAccess?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.Features.Get<InnerOrganizationAccess>());
}

/// <summary>
/// Runs after the organization role and white label admin handlers (registration order), whose
/// results it builds on; without them, or without the route value, it fails closed with a 404.
/// </summary>
internal sealed class InnerOrganizationHandler : AuthorizationHandler<InnerOrganizationRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, InnerOrganizationRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || http.Features.Get<WhiteLabelAccess>() is not { } whiteLabel
            || http.Features.Get<OrganizationAccess>() is not { } admin
            || !int.TryParse(http.GetRouteValue("innerOrganizationId") as string, NumberStyles.None, CultureInfo.InvariantCulture, out var innerOrganizationId))
        {
            context.Fail(new NotFoundReason(this, requirement.NotFound));
            return;
        }

        var inner = http.RequestServices.GetRequiredService<WhiteLabelService>()
            .InnerOrganizations(whiteLabel.WhiteLabelId, requirement.IncludeDeleted)
            .Where(o => o.Id == innerOrganizationId);
        if (!await inner.AnyAsync(http.RequestAborted))
        {
            context.Fail(new NotFoundReason(this, requirement.NotFound));
            return;
        }

        http.Features.Set(new InnerOrganizationAccess(innerOrganizationId, whiteLabel.WhiteLabelId, admin.Actor.OnBehalfOf(whiteLabel.WhiteLabelId)));
        context.Succeed(requirement);
    }
}
