using Microsoft.AspNetCore.Mvc;
using OrgKeys.Authorization;
using OrgKeys.OAuth;

namespace OrgKeys.Console.Pages.Organizations.OAuthClients;

public sealed record RegisteredClient(string Name, string ClientId, string? Secret);

/// <summary>
/// <c>/organizations/{organizationId}/oauth-clients/new</c>: registers a client through <see cref="OAuthClientService"/>
/// under <c>createOrganizationOAuthClient</c>'s policies; its secret is shown once, in the answer to the POST.
/// </summary>
public sealed class NewOAuthClientModel(OAuthClientService clients) : OAuthClientForm
{
    /// <summary><c>confidential</c> (has a secret) or <c>public</c> (runs where a secret cannot be kept).</summary>
    [BindProperty]
    public string? Type { get; set; } = "confidential";

    public RegisteredClient? Registered { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await AuthorizeAsync(Policies.OrganizationAdmin) is { } refused)
        {
            return refused;
        }

        GrantTypes = [.. OAuthClientRules.DefaultGrantTypes];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if ((await AuthorizeAsync(Policies.OrganizationAdmin) ?? await AuthorizeAsync(Policies.DurableCredential)) is { } refused)
        {
            return refused;
        }

        if (Type is not ("confidential" or "public"))
        {
            Errors.Add(new("type-confidential", "Choose whether the client is confidential or public."));
            return Refused(StatusCodes.Status400BadRequest);
        }

        var isPublic = Type == "public";
        if (Validate(isPublic) is not { } settings)
        {
            return Refused(StatusCodes.Status400BadRequest);
        }

        var (client, secret) = await clients.CreateAsync(OrganizationId, settings, isPublic, Access.Actor, cancellationToken);
        // The only time the secret leaves the server: never cached, never sent again.
        Response.Headers.CacheControl = ConsoleSetup.SecretCacheControl;
        Registered = new RegisteredClient(settings.Name, client.ClientId!, secret);
        return Page();
    }
}
