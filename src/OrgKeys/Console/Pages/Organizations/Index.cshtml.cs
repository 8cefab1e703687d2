using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Console.Pages.Organizations;

/// <summary><c>/organizations/{organizationId}</c>: name, members, key count and white label, for anyone in it (as <c>getOrganizationInfo</c>).</summary>
public sealed class OrganizationOverviewModel(OrgKeysDbContext db, TimeProvider time) : OrganizationPage
{
    /// <summary>Null for a guest, who may not list keys in the API either.</summary>
    public int? ActiveKeys { get; private set; }

    /// <summary>The white label this organization administers, if any.</summary>
    public string? AdminOf { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationGuest) is { } refused)
        {
            return refused;
        }

        if (Access.Role >= OrganizationRole.Member)
        {
            var now = time.GetUtcNow().UtcDateTime;
            ActiveKeys = await KeyScope.Organization(OrganizationId).Of(db.ApiKeys)
                .CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), cancellationToken);
        }

        AdminOf = await db.WhiteLabels.Where(w => w.AdminOrganizationId == OrganizationId).Select(w => w.Name).FirstOrDefaultAsync(cancellationToken);
        return Page();
    }
}
