using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Users;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Console.Pages.Organizations.WhiteLabel;

public sealed record InnerOrganizationRow(int Id, string Name, DateTime Created);

/// <summary>
/// <c>/organizations/{organizationId}/whitelabel</c>: the inner organizations of the white label this organization
/// administers, for its admins. Creating one calls the <c>whitelabelAdminCreateOrganization</c> handler itself, so
/// the page cannot drift from it; the new organization's admin key is shown once, in the answer to the POST.
/// </summary>
public sealed class WhiteLabelIndexModel(WhiteLabelService whiteLabels, OrgKeysDbContext db, OrganizationService organizations, ActiveUsers users)
    : OrganizationPage
{
    [BindProperty]
    public string? OrganizationName { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Deleted { get; set; }

    public string WhiteLabelName { get; private set; } = "";

    public IReadOnlyList<InnerOrganizationRow> Inner { get; private set; } = [];

    /// <summary>The organization just created and its admin key, shown once.</summary>
    public (string Name, string ApiKey)? Created { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await AuthorizeAsync(Policies.WhiteLabelAdmin) ?? await ShowAsync(StatusCodes.Status200OK, cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.WhiteLabelAdmin) is { } refused)
        {
            return refused;
        }

        var request = new WhiteLabelCreateOrganizationRequest(OrganizationName?.Trim(), null, null);
        var answer = await new InnerOrganizationCreation(organizations, users).CreateAsync(
            request, HttpContext.Features.GetRequiredFeature<WhiteLabelAccess>(), Access, cancellationToken);
        switch (answer.Result)
        {
            case Ok<CreateOrganizationResponse> { Value: { } created }:
                Response.Headers.CacheControl = ConsoleSetup.SecretCacheControl;
                Created = (request.OrganizationName!, created.ApiKey);
                return await ShowAsync(StatusCodes.Status200OK, cancellationToken);
            case BadRequest<ApiError> { Value: { } error }:
                Error = error.Error;
                return await ShowAsync(StatusCodes.Status400BadRequest, cancellationToken);
            default:
                throw new InvalidOperationException($"Unexpected answer {answer.Result.GetType().Name}.");
        }
    }

    private async Task<PageResult> ShowAsync(int status, CancellationToken cancellationToken)
    {
        var whiteLabel = HttpContext.Features.GetRequiredFeature<WhiteLabelAccess>();
        Inner = await whiteLabels.InnerOrganizations(whiteLabel.WhiteLabelId).AsNoTracking().OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Select(o => new InnerOrganizationRow(o.Id, o.Name, o.Created)).Take(500).ToListAsync(cancellationToken);
        WhiteLabelName = await db.WhiteLabels.Where(w => w.Id == whiteLabel.WhiteLabelId).Select(w => w.Name).FirstAsync(cancellationToken);
        Response.StatusCode = status;
        return Page();
    }
}
