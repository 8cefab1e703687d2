using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OrgKeys.Authorization;
using OrgKeys.Members;
using OrgKeys.Organizations;

namespace OrgKeys.Console.Pages.Organizations.Members;

/// <summary>
/// <c>/organizations/{organizationId}/members</c>: the members (and invitations) anyone in the organization
/// sees, as <c>getOrganizationInfo</c>; admins add, re-role and remove through <see cref="MemberService"/>
/// under the policies of the member endpoints, the last-admin rule included.
/// </summary>
public sealed class MembersIndexModel(MemberService members) : OrganizationPage
{
    public static readonly IReadOnlyList<string> Roles = ["guest", "member", "admin"];

    [BindProperty]
    public string? UsernameOrEmail { get; set; }

    [BindProperty]
    public string? Role { get; set; } = "member";

    [BindProperty]
    public int MemberId { get; set; }

    /// <summary>What the last change did, for the notice after its redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public string? Error { get; private set; }

    /// <summary>The field <see cref="Error"/> is about, when it is the add form's.</summary>
    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await AuthorizeAsync(Policies.OrganizationGuest) ?? Page();

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if ((await AuthorizeAsync(Policies.OrganizationAdmin) ?? await AuthorizeAsync(Policies.DurableCredential)) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(UsernameOrEmail) || UsernameOrEmail.Length > 254)
        {
            return Failed(StatusCodes.Status400BadRequest, "Enter the username or e-mail of the person to add.", "username-or-email");
        }

        if (OrganizationRoles.Parse(Role) is not { } role)
        {
            return Failed(StatusCodes.Status400BadRequest, "Choose a role.", "add-role");
        }

        return Answer(await members.AddAsync(OrganizationId, UsernameOrEmail.Trim(), role, Access.Actor, cancellationToken), "invited");
    }

    public async Task<IActionResult> OnPostRoleAsync(CancellationToken cancellationToken)
    {
        if ((await AuthorizeAsync(Policies.OrganizationAdmin) ?? await AuthorizeAsync(Policies.DurableCredential)) is { } refused)
        {
            return refused;
        }

        return OrganizationRoles.Parse(Role) is not { } role
            ? Failed(StatusCodes.Status400BadRequest, "Choose a role.")
            : Answer(await members.SetRoleAsync(OrganizationId, MemberId, role, Access.Actor, cancellationToken), "role");
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken) =>
        await AuthorizeAsync(Policies.OrganizationAdmin)
        ?? Answer(await members.RemoveAsync(OrganizationId, MemberId, Access.Actor, cancellationToken), "removed");

    private IActionResult Answer(MemberChange change, string done) => change switch
    {
        MemberChange.Done => Redirect($"/organizations/{OrganizationId}/members?done={done}"),
        MemberChange.LastAdmin => Failed(StatusCodes.Status409Conflict,
            "An organization must keep at least one admin. Make another member an admin first, then change or remove this one."),
        _ => NotFound(),
    };

    private PageResult Failed(int status, string error, string? field = null)
    {
        (Error, ErrorField) = (error, field);
        Response.StatusCode = status;
        return Page();
    }
}
