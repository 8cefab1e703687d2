using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Data;

namespace OrgKeys.Console.Pages.Organizations.Keys;

public sealed record KeyToRevoke(int Id, string Name, string Hint);

/// <summary>
/// <c>/organizations/{organizationId}/keys/revoke</c>: a POST from the list asks to confirm, stating the
/// count; the confirmed POST revokes each key through <see cref="ApiKeyService.RevokeAsync"/>, as
/// <c>revokeOrganizationApiKey</c> does, under the same rule (admins any key, others only their own).
/// </summary>
public sealed class RevokeKeysModel(OrgKeysDbContext db, ApiKeyService keys) : OrganizationPage
{
    public const int MaxKeys = 100;

    /// <summary>The keys ticked in the list, or the ones being confirmed.</summary>
    [BindProperty]
    public List<int> Ids { get; set; } = [];

    /// <summary>The row's own Revoke button: that key alone, whatever else is ticked.</summary>
    [BindProperty]
    public int? One { get; set; }

    public IReadOnlyList<KeyToRevoke> Keys { get; private set; } = [];

    public string? Error { get; private set; }

    public string ListUrl => $"/organizations/{OrganizationId}/keys";

    /// <summary>Nothing is revoked by a GET: back to the list.</summary>
    public async Task<IActionResult> OnGetAsync() => await AuthorizeAsync(Policies.OrganizationMember) ?? Redirect(ListUrl);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationMember) is { } refused)
        {
            return refused;
        }

        var ids = One is { } one ? [one] : Ids.Distinct().ToList();
        if (Refuse(ids) is { } bad)
        {
            return bad;
        }

        var userId = Access.UserId;
        var found = await KeyScope.Organization(OrganizationId).Of(db.ApiKeys).AsNoTracking()
            .Where(k => ids.Contains(k.Id) && k.RevokedAt == null)
            .OrderBy(k => k.Id)
            .Select(k => new { k.Id, k.Name, k.Hint, k.CreatedByUserId })
            .ToListAsync(cancellationToken);
        if (found.Count == 0)
        {
            return NotFound();
        }

        if (!IsAdmin && found.Any(k => k.CreatedByUserId != userId))
        {
            return Failed(StatusCodes.Status403Forbidden, OnlyOwnKeys);
        }

        Keys = found.ConvertAll(k => new KeyToRevoke(k.Id, k.Name, k.Hint));
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationMember) is { } refused)
        {
            return refused;
        }

        var ids = Ids.Distinct().ToList();
        if (Refuse(ids) is { } bad)
        {
            return bad;
        }

        var (revoked, forbidden) = (0, 0);
        foreach (var id in ids)
        {
            switch (await keys.RevokeAsync(KeyScope.Organization(OrganizationId), id, Access.Actor, mayRevokeAny: IsAdmin, cancellationToken))
            {
                case RevokeKeyOutcome.Revoked:
                    revoked++;
                    break;
                case RevokeKeyOutcome.Forbidden:
                    forbidden++;
                    break;
            }
        }

        return forbidden > 0 ? Failed(StatusCodes.Status403Forbidden, OnlyOwnKeys)
            : revoked == 0 ? NotFound()
            : Redirect($"{ListUrl}?status=revoked&revoked={revoked}");
    }

    private const string OnlyOwnKeys = "Only admins, or whoever created the key, may revoke it.";

    private PageResult? Refuse(List<int> ids) =>
        ids.Count == 0 ? Failed(StatusCodes.Status400BadRequest, "Select at least one key to revoke.")
        : ids.Count > MaxKeys ? Failed(StatusCodes.Status400BadRequest, $"Revoke at most {MaxKeys} keys at a time.")
        : null;

    private PageResult Failed(int status, string error)
    {
        Error = error;
        Response.StatusCode = status;
        return Page();
    }
}
