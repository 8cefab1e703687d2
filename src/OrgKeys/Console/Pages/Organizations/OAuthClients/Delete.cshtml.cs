using Microsoft.AspNetCore.Mvc;
using OrgKeys.Authorization;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>
/// <c>…/oauth-clients/{oauthClientId}/delete</c>: the GET asks to confirm; the POST deletes through
/// <see cref="OAuthClientService.DeleteAsync"/>, which ends the client's tokens with it.
/// </summary>
public sealed class DeleteOAuthClientModel(OAuthClientService clients) : OrganizationPage
{
    [FromRoute]
    public int OAuthClientId { get; set; }

    public SelfServeOAuthClient Client { get; private set; } = null!;

    public string ListUrl => $"/organizations/{OrganizationId}/oauth-clients";

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

        await clients.DeleteAsync(client, Access.Actor, cancellationToken);
        return Redirect($"{ListUrl}?done=deleted");
    }
}
