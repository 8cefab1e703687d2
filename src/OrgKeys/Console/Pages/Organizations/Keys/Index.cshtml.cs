using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Organizations;

namespace OrgKeys.Console.Pages.Organizations.Keys;

public sealed record KeyRow(
    int Id, string Name, string Role, string Hint, string Creator, DateTime Created, DateTime? Expires, DateTime? Revoked,
    KeyUsage? LastUsed, bool CanRevoke);

/// <summary>
/// <c>/organizations/{organizationId}/keys</c>: the organization's own keys (as <c>listOrganizationApiKeys</c>,
/// never a white label's), a page at a time, filtered by state and name, in two queries whatever the page holds.
/// </summary>
public sealed class KeysIndexModel(OrgKeysDbContext db, ApiKeyUsageTracker usage, TimeProvider time) : OrganizationPage
{
    public const int PageSize = 20;

    public static readonly IReadOnlyList<(string Value, string Label)> States = [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")];

    /// <summary><c>active</c> (anything else reads as it), <c>expired</c> or <c>revoked</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    /// <summary>The page number, from 1; <c>p</c> because Razor Pages keeps <c>page</c> for itself.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>How many keys the last revocation stopped, for the notice after it.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Revoked { get; set; }

    public IReadOnlyList<KeyRow> Keys { get; private set; } = [];

    public int Total { get; private set; }

    public int LastPage => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationMember) is { } refused)
        {
            return refused;
        }

        Status = States.Any(s => s.Value == Status) ? Status : "active";
        Search = Search?.Trim() is { Length: > 0 } search ? search[..Math.Min(search.Length, 128)] : null;
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);

        var now = time.GetUtcNow().UtcDateTime;
        var keys = KeyScope.Organization(OrganizationId).Of(db.ApiKeys).AsNoTracking();
        keys = Status switch
        {
            "expired" => keys.Where(k => k.RevokedAt == null && k.ExpiresAt != null && k.ExpiresAt <= now),
            "revoked" => keys.Where(k => k.RevokedAt != null),
            _ => keys.Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now)),
        };
        if (Search is not null)
        {
            var term = Search.ToLowerInvariant();
            // SQL on both providers; the StringComparison overload has no translation.
#pragma warning disable CA1862
            keys = keys.Where(k => k.Name.ToLower().Contains(term));
#pragma warning restore CA1862
        }

        Total = await keys.CountAsync(cancellationToken);
        var rows = await keys.OrderByDescending(k => k.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(k => new
            {
                k.Id,
                k.Name,
                k.Role,
                k.Hint,
                k.Created,
                k.ExpiresAt,
                k.RevokedAt,
                k.LastUsedAt,
                k.LastUsedIp,
                k.CreatedByUserId,
                User = k.CreatedByUser == null ? null : k.CreatedByUser.Username,
                // Only a parent of the same organization, as the API lists it.
                Parent = db.ApiKeys.Where(p => p.Id == k.CreatedByApiKeyId && p.OrganizationId == k.OrganizationId).Select(p => p.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var userId = Access.UserId;
        Keys = rows.ConvertAll(k => new KeyRow(
            k.Id, k.Name, OrganizationRoles.Name(k.Role), k.Hint, k.User ?? (k.Parent is null ? "an API key" : $"API key “{k.Parent}”"),
            k.Created, k.ExpiresAt, k.RevokedAt,
            usage.Latest(k.Id, k.LastUsedAt, k.LastUsedIp),
            // The API's rule (revokeOrganizationApiKey): admins revoke any key, others only their own.
            k.RevokedAt is null && (IsAdmin || (userId is not null && k.CreatedByUserId == userId))));
        return Page();
    }

    /// <summary>The list's address with this filter and search, on page <paramref name="page"/>.</summary>
    public string PageUrl(int page)
    {
        var query = new Dictionary<string, string?> { ["status"] = Status, ["search"] = Search, ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"/organizations/{OrganizationId}/keys", query.Where(q => q.Value is not null));
    }
}
