using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Console.Pages.Organizations.WhiteLabel.Organizations.Delete;

/// <summary>
/// <c>/organizations/{organizationId}/whitelabel/organizations/{innerOrganizationId}/delete</c>: a confirmation (GET)
/// and the deletion (POST), which is the <c>whitelabelAdminDeleteOrganization</c> handler itself.
/// </summary>
public sealed class DeleteInnerModel(WhiteLabelService whiteLabels, OrganizationService organizations) : OrganizationPage
{
    public string InnerName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.InnerOrganization) is { } refused)
        {
            return refused;
        }

        var inner = HttpContext.Features.GetRequiredFeature<InnerOrganizationAccess>();
        InnerName = await whiteLabels.InnerOrganizations(inner.WhiteLabelId).Where(o => o.Id == inner.OrganizationId).Select(o => o.Name)
            .FirstAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.InnerOrganization) is { } refused)
        {
            return refused;
        }

        // As whitelabelAdminDeleteOrganization does: the organization service, with the inner organization's actor.
        var inner = HttpContext.Features.GetRequiredFeature<InnerOrganizationAccess>();
        return await organizations.DeleteAsync(inner.OrganizationId, inner.Actor, cancellationToken)
            ? Redirect($"/organizations/{OrganizationId}/whitelabel?deleted=true")
            : NotFound();
    }
}
