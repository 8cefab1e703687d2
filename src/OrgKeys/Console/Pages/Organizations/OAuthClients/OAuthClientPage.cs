using Microsoft.AspNetCore.Mvc;
using OrgKeys.Authorization;
using OrgKeys.Data.Entities;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

/// <summary>The OAuth client screens: their list's address, and the one client of this organization a page is about.</summary>
public abstract class OAuthClientPage : OrganizationPage
{
    public string ListUrl => $"/organizations/{OrganizationId}/oauth-clients";

    /// <summary>Set by <see cref="FindClientAsync"/>: the client, as the API describes it.</summary>
    public SelfServeOAuthClient Client { get; private set; } = null!;

    /// <summary>
    /// The client <paramref name="clientId"/> of this organization, for an admin who also passes <paramref name="policy"/>
    /// (when given); otherwise the answer to give instead: the refusal, or 404 for a client of no or another organization.
    /// </summary>
    protected async Task<(IActionResult? Answer, OAuthApplication? Client)> FindClientAsync(
        OAuthClientService clients, int clientId, string? policy, CancellationToken cancellationToken)
    {
        var refused = await AuthorizeAsync(Policies.OrganizationAdmin);
        if (refused is null && policy is not null)
        {
            refused = await AuthorizeAsync(policy);
        }

        if (refused is not null)
        {
            return (refused, null);
        }

        if (await clients.FindAsync(OrganizationId, clientId, cancellationToken) is not { } client)
        {
            return (NotFound(), null);
        }

        Client = OAuthClientService.Describe(client);
        return (null, client);
    }
}
