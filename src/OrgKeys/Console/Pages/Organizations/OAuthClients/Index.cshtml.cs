using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>
/// <c>/organizations/{organizationId}/oauth-clients</c>: the organization's OAuth clients, as
/// <c>listOrganizationOAuthClients</c> lists them, for admins only (its policy).
/// </summary>
public sealed class OAuthClientsIndexModel(OrgKeysDbContext db) : OrganizationPage
{
    /// <summary>What the last change did, for the notice after its redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public IReadOnlyList<SelfServeOAuthClient> Clients { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationAdmin) is { } refused)
        {
            return refused;
        }

        var rows = await db.OAuthApplications.AsNoTracking().Where(a => a.OrganizationId == OrganizationId).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        Clients = rows.ConvertAll(OAuthClientService.Describe);
        return Page();
    }
}
