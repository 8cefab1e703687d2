using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Users;

namespace OrgKeys.Console.Pages.Organizations.Audit;

public sealed record AuditRow(DateTime At, string Action, string Who, string? Address, string? About, string? Detail);

/// <summary>
/// <c>/organizations/{organizationId}/audit</c>: the organization's audit log for its admins, through the API's
/// query (<see cref="AuditQueries"/>), paged on the server and filtered by action and by acting user. Names are
/// read in one query for users and one for keys, never one per row.
/// </summary>
public sealed class AuditIndexModel(AuditQueries audit, OrgKeysDbContext db) : OrganizationPage
{
    public const int PageSize = 25;

    /// <summary>Every action the log records, for the filter.</summary>
    public static readonly IReadOnlyList<string> Actions = [.. typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal)];

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    /// <summary>The acting user's username or e-mail.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public int Total { get; private set; }

    public int LastPage => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(Policies.OrganizationAdmin) is { } refused)
        {
            return refused;
        }

        Action = Actions.Contains(Action) ? Action : null;
        Actor = string.IsNullOrWhiteSpace(Actor) || Actor.Length > 254 ? null : Actor.Trim();
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        var filter = new AuditFilter(Action);
        if (Actor is not null)
        {
            var normalized = UserService.Normalize(Actor);
            // An unknown name matches nobody (-1 is no user's id) rather than everybody.
            filter = filter with
            {
                ActorUserId = await db.Users.Where(u => u.NormalizedUsername == normalized || u.NormalizedEmail == normalized)
                    .Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken) ?? -1,
            };
        }

        var page = await AuditQueries.PageAsync(audit.OfOrganization(OrganizationId), filter, revealWhiteLabelActors: false,
            (PageSize, (PageNumber - 1) * PageSize), cancellationToken);
        Total = page.Total;
        Rows = await NameAsync(page.Entries, cancellationToken);
        return Page();
    }

    private async Task<IReadOnlyList<AuditRow>> NameAsync(IReadOnlyList<AuditEntryDto> entries, CancellationToken cancellationToken)
    {
        var userIds = entries.SelectMany(e => new[] { e.Actor.UserId, e.UserId }).OfType<int>().Distinct().ToList();
        var keyIds = entries.SelectMany(e => new[] { e.Actor.ApiKeyId, e.ApiKeyId }).OfType<int>().Distinct().ToList();
        var users = userIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Username, cancellationToken);
        var keys = keyIds.Count == 0 ? [] : await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.Name, cancellationToken);
        string User(int id) => users.TryGetValue(id, out var name) ? name : $"user {id.ToString(CultureInfo.InvariantCulture)}";
        string Key(int id) => keys.TryGetValue(id, out var name) ? $"key “{name}”" : $"key {id.ToString(CultureInfo.InvariantCulture)}";
        return entries.Select(e => new AuditRow(e.At, e.Action, e.Actor switch
        {
            { UserId: { } user } => User(user),
            { ApiKeyId: { } key } => Key(key),
            { WhitelabelId: not null } => "the white label",
            { Name: { } name } => name,
            _ => "OrgKeys",
        }, e.Address, e.UserId is { } about ? User(about) : e.ApiKeyId is { } aboutKey ? Key(aboutKey) : null, e.Detail)).ToList();
    }

    /// <summary>The log's address with this filter, on page <paramref name="page"/>.</summary>
    public string PageUrl(int page)
    {
        var query = new Dictionary<string, string?> { ["action"] = Action, ["actor"] = Actor, ["p"] = page.ToString(CultureInfo.InvariantCulture) };
        return QueryHelpers.AddQueryString($"/organizations/{OrganizationId}/audit", query.Where(q => q.Value is not null));
    }
}
