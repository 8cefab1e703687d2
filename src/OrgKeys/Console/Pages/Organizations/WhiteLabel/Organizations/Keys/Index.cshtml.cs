using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Console.Pages.Organizations.Keys;
using OrgKeys.Infrastructure;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Console.Pages.Organizations.WhiteLabel.Organizations.Keys;

/// <summary>
/// <c>/organizations/{organizationId}/whitelabel/organizations/{innerOrganizationId}/keys</c>: the temporary
/// keys white label admins minted for an inner organization. Minting calls the
/// <c>whitelabelAdminAddOrganizationApiKey</c> handler itself (its ttl default and cap, its log line), so
/// the page cannot drift from it; the new key is shown once, in the answer to the POST.
/// </summary>
public sealed class InnerKeysModel(
    WhiteLabelService whiteLabels, ApiKeyListing listing, ApiKeyService keys, IOptions<WhiteLabelOptions> options, ILoggerFactory loggers) : OrganizationPage
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Role { get; set; } = "member";

    [BindProperty]
    public long? Ttl { get; set; } = WhiteLabelOptions.DefaultKeyTtlSeconds;

    [BindProperty]
    public int ApiKeyId { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Revoked { get; set; }

    public string InnerName { get; private set; } = "";

    public IReadOnlyList<OrganizationApiKey> Keys { get; private set; } = [];

    public CreatedKey? Created { get; private set; }

    public string? Error { get; private set; }

    public string ListUrl => $"/organizations/{OrganizationId}/whitelabel/organizations/{Inner.OrganizationId}/keys";

    private InnerOrganizationAccess Inner => HttpContext.Features.GetRequiredFeature<InnerOrganizationAccess>();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await AuthorizeAsync(Policies.InnerOrganization) ?? await ShowAsync(StatusCodes.Status200OK, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.InnerOrganization) is { } refused)
        {
            return refused;
        }

        var request = new AddOrganizationApiKeyRequest(string.IsNullOrWhiteSpace(Name) ? null : Name, null, Role, Ttl);
        var answer = await new InnerOrganizationKeyMinting(keys, options, loggers).MintAsync(request, Inner, cancellationToken);
        switch (answer.Result)
        {
            case Ok<AddApiKeyResponse> { Value: { } added }:
                Response.Headers.CacheControl = ConsoleSetup.SecretCacheControl;
                Created = new CreatedKey(added.Id, Name!.Trim(), added.ApiKey);
                return await ShowAsync(StatusCodes.Status200OK, cancellationToken);
            case IValueHttpResult { Value: ApiError error } and IStatusCodeHttpResult { StatusCode: { } status }:
                Error = error.Error;
                return await ShowAsync(status, cancellationToken);
            default:
                throw new InvalidOperationException($"Unexpected answer {answer.Result.GetType().Name}.");
        }
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.InnerOrganization) is { } refused)
        {
            return refused;
        }

        // As whitelabelAdminRevokeOrganizationApiKey: any key the white label minted here, and nothing else.
        return await keys.RevokeAsync(KeyScope.MintedBy(Inner.WhiteLabelId, Inner.OrganizationId), ApiKeyId, Inner.Actor, mayRevokeAny: true, cancellationToken)
            == RevokeKeyOutcome.Revoked ? Redirect(ListUrl + "?revoked=true") : NotFound();
    }

    private async Task<PageResult> ShowAsync(int status, CancellationToken cancellationToken)
    {
        InnerName = await whiteLabels.InnerOrganizations(Inner.WhiteLabelId).Where(o => o.Id == Inner.OrganizationId).Select(o => o.Name).FirstAsync(cancellationToken);
        Keys = await listing.ListAsync(KeyScope.MintedBy(Inner.WhiteLabelId, Inner.OrganizationId), cancellationToken);
        Response.StatusCode = status;
        return Page();
    }
}
