using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.Authentication;
using OrgKeys.Authorization;
using OrgKeys.Data.Entities;
using OrgKeys.Organizations;

namespace OrgKeys.Console;

/// <summary>
/// A page under <c>/organizations/{organizationId}</c>. Who may see or do what is decided by the
/// API's own policies (<see cref="Policies"/>), run on this request: the console has no rule of its own.
/// </summary>
public abstract class OrganizationPage : PageModel
{
    /// <summary>Set once <see cref="AuthorizeAsync"/> answered null.</summary>
    public OrganizationAccess Access { get; private set; } = null!;

    public OrganizationDto Organization { get; private set; } = null!;

    public int OrganizationId => Access.OrganizationId;

    public bool IsAdmin => Access.Role >= OrganizationRole.Admin;

    /// <summary>
    /// Null when the signed-in user passes <paramref name="policy"/> in the route's organization; else the
    /// answer: sign in first, 404 for an organization they are not in (as the API), 403 for too low a role.
    /// </summary>
    protected async Task<IActionResult?> AuthorizeAsync(string policy)
    {
        if (User.AsUser() is null)
        {
            return Redirect("/signin?returnUrl=" + Uri.EscapeDataString(Request.Path));
        }

        var authorization = HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(User, HttpContext, policy);
        if (!result.Succeeded)
        {
            return result.Failure?.FailureReasons.OfType<NotFoundReason>().Any() == true ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }

        var organizations = HttpContext.RequestServices.GetRequiredService<OrganizationService>();
        if (HttpContext.Features.Get<OrganizationAccess>() is not { } access
            || await organizations.FindAsync(access.OrganizationId, HttpContext.RequestAborted) is not { } organization)
        {
            return NotFound();
        }

        Access = access;
        Organization = organization;
        return null;
    }
}
