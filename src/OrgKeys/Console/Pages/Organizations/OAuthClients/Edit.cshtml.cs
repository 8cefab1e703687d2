using Microsoft.AspNetCore.Mvc;
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

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if ((await FindClientAsync(clients, OAuthClientId, null, cancellationToken)).Answer is { } answer)
        {
            return answer;
        }

        Show(Client);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (answer, client) = await FindClientAsync(clients, OAuthClientId, null, cancellationToken);
        if (answer is not null)
        {
            return answer;
        }

        if (Validate(Client.IsPublic) is not { } settings)
        {
            return Refused(StatusCodes.Status400BadRequest);
        }

        await clients.UpdateAsync(client!, settings, Access.Actor, cancellationToken);
        return Redirect($"{ListUrl}?done=updated");
    }
}
