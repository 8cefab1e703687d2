using Microsoft.AspNetCore.Mvc;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>
/// <c>…/oauth-clients/{oauthClientId}/delete</c>: the GET asks to confirm; the POST deletes through
/// <see cref="OAuthClientService.DeleteAsync"/>, which ends the client's tokens with it.
/// </summary>
public sealed class DeleteOAuthClientModel(OAuthClientService clients) : OAuthClientPage
{
    [FromRoute]
    public int OAuthClientId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        (await FindClientAsync(clients, OAuthClientId, null, cancellationToken)).Answer ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (answer, client) = await FindClientAsync(clients, OAuthClientId, null, cancellationToken);
        if (answer is not null)
        {
            return answer;
        }

        await clients.DeleteAsync(client!, Access.Actor, cancellationToken);
        return Redirect($"{ListUrl}?done=deleted");
    }
}
