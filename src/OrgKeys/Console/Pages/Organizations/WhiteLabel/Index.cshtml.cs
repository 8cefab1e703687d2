using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Console.Pages.Organizations.WhiteLabel;

public sealed record InnerOrganizationRow(int Id, string Name, DateTime Created);

/// <summary><c>/organizations/{organizationId}/whitelabel</c>: the inner organizations of the white label this organization administers, for its admins.</summary>
public sealed class WhiteLabelIndexModel(WhiteLabelService whiteLabels, OrgKeysDbContext db) : OrganizationPage
{
    public string WhiteLabelName { get; private set; } = "";

    public IReadOnlyList<InnerOrganizationRow> Inner { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.WhiteLabelAdmin) is { } refused)
        {
            return refused;
        }

        var whiteLabel = HttpContext.Features.GetRequiredFeature<WhiteLabelAccess>();
        Inner = await whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId).AsNoTracking().OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Select(o => new InnerOrganizationRow(o.Id, o.Name, o.Created)).Take(500).ToListAsync(cancellationToken);
        WhiteLabelName = await db.WhiteLabels.Where(w => w.Id == whiteLabel.WhiteLabelId).Select(w => w.Name).FirstAsync(cancellationToken);
        return Page();
    }
}
