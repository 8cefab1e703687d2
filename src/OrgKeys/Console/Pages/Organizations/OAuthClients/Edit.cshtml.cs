using Microsoft.AspNetCore.Mvc;
using OrgKeys.Authorization;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>
/// <c>/organizations/{organizationId}/oauth-clients/{oauthClientId}</c>: one client's settings, changed through
/// <see cref="OAuthClientService.UpdateAsync"/> as <c>updateOrganizationOAuthClient</c> does; its type stays.
/// </summary>
public sealed class EditOAuthClientModel(OAuthClientService clients) : OAuthClientForm
{
    [FromRoute]
    public int OAuthClientId { get; set; }

    public SelfServeOAuthClient Client { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationAdmin) is { } refused)
        {
            return refused;
        }

        if (await clients.FindAsync(OrganizationId, OAuthClientId, cancellationToken) is not { } client)
        {
            return NotFound();
        }

        Client = OAuthClientService.Describe(client);
        Show(Client);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationAdmin) is { } refused)
        {
            return refused;
        }

        if (await clients.FindAsync(OrganizationId, OAuthClientId, cancellationToken) is not { } client)
        {
            return NotFound();
        }

        Client = OAuthClientService.Describe(client);
        if (Validate(Client.IsPublic) is not { } settings)
        {
            return Refused(StatusCodes.Status400BadRequest);
        }

        await clients.UpdateAsync(client, settings, Access.Actor, cancellationToken);
        return Redirect($"{ListUrl}?done=updated");
    }
}
