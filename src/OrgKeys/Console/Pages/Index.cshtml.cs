using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication;
using OrgKeys.Data;

namespace OrgKeys.Console.Pages;

public sealed record AccountView(string Name, string Username, string Email);

public sealed record MembershipView(int Id, string Name, string Role);

/// <summary><c>/</c>: "My account" for a signed-in user; everyone else is sent to <c>/signin</c>.</summary>
public sealed class IndexModel(OrgKeysDbContext db) : PageModel
{
    public AccountView Account { get; private set; } = new("", "", "");

    public IReadOnlyList<MembershipView> Organizations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.AsUser() is not { } user
            || await db.Users.AsNoTracking().Where(u => u.Id == user.UserId).Select(u => new AccountView(u.Name, u.Username, u.Email))
                .FirstOrDefaultAsync(cancellationToken) is not { } account)
        {
            return Redirect("/signin");
        }

        Account = account;
        var memberships = await db.Members.AsNoTracking()
            .Where(m => m.UserId == user.UserId && m.Organization.DeletedDate == null)
            .OrderBy(m => m.Organization.Name).ThenBy(m => m.OrganizationId)
            .Select(m => new { m.OrganizationId, m.Organization.Name, m.Role })
            .ToListAsync(cancellationToken);
        Organizations = memberships.ConvertAll(m => new MembershipView(m.OrganizationId, m.Name, m.Role.ToString()));
        return Page();
    }
}
