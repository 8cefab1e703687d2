using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication;
using OrgKeys.Data;

namespace OrgKeys.Authorization;

/// <summary>
/// The route's <c>{organizationId}</c> must be the admin organization of a white label. Paired with
/// the admin role requirement, this makes the caller a white label admin: an admin of that
/// organization, or an admin key of it. A key minted on behalf of a white label never is one.
/// </summary>
public sealed record WhiteLabelAdminRequirement : IAuthorizationRequirement;

/// <summary>The white label whose admin organization is in the route, for its endpoints.</summary>
public sealed record WhiteLabelAccess(int WhiteLabelId, int AdminOrganizationId)
{
    public static ValueTask<WhiteLabelAccess?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.Features.Get<WhiteLabelAccess>());
}

/// <remarks>
/// Every authorization resolves every handler, so this one asks for its <see cref="OrgKeysDbContext"/> only
/// when a white label route needs it: taking it in the constructor rented a pooled context on every
/// authenticated request.
/// </remarks>
internal sealed class WhiteLabelAdminHandler : AuthorizationHandler<WhiteLabelAdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, WhiteLabelAdminRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || context.User.AsApiKey()?.Key.WhiteLabelId is not null
            || !int.TryParse(http.GetRouteValue("organizationId") as string, NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId))
        {
            context.Fail(new NotFoundReason(this, "White label not found."));
            return;
        }

        var db = http.RequestServices.GetRequiredService<OrgKeysDbContext>();
        var whiteLabelId = await db.WhiteLabels.AsNoTracking()
            .Where(w => w.AdminOrganizationId == organizationId && w.AdminOrganization.DeletedDate == null)
            .Select(w => (int?)w.Id)
            .FirstOrDefaultAsync(http.RequestAborted);
        if (whiteLabelId is null)
        {
            context.Fail(new NotFoundReason(this, "White label not found."));
            return;
        }

        http.Features.Set(new WhiteLabelAccess(whiteLabelId.Value, organizationId));
        context.Succeed(requirement);
    }
}
