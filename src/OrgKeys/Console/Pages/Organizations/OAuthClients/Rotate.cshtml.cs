using Microsoft.AspNetCore.Mvc;
using OrgKeys.Authorization;
using OrgKeys.Data.Entities;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>
/// <c>…/oauth-clients/{oauthClientId}/rotate-secret</c>: the GET asks to confirm; the POST rotates through
/// <see cref="OAuthClientService.RotateSecretAsync"/> (the old secret stops at once) and shows the new one once.
/// </summary>
public sealed class RotateOAuthClientSecretModel(OAuthClientService clients) : OAuthClientPage
{
    private OAuthApplication? _client;

    [FromRoute]
    public int OAuthClientId { get; set; }

    public string? Secret { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(Policies.OrganizationAdmin, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(Policies.DurableCredential, cancellationToken) is { } answer)
        {
            return answer;
        }

        Secret = await clients.RotateSecretAsync(_client!, Access.Actor, cancellationToken);
        // The only time the new secret leaves the server: never cached, never sent again.
        Response.Headers.CacheControl = ConsoleSetup.SecretCacheControl;
        return Page();
    }

    /// <summary>Null once an admin (who also passes <paramref name="policy"/>) asked for a confidential client of this organization.</summary>
    private async Task<IActionResult?> LoadAsync(string policy, CancellationToken cancellationToken)
    {
        (var answer, _client) = await FindClientAsync(clients, OAuthClientId, policy, cancellationToken);
        if (answer is not null)
        {
            return answer;
        }

        if (!Client.IsPublic)
        {
            return null;
        }

        Error = "A public client has no secret to rotate.";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
