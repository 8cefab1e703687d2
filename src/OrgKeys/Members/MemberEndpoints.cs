using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;

namespace OrgKeys.Members;

/// <summary><c>/v1/api/organizations/{organizationId}/members</c>: only admins add, remove or change roles.</summary>
public static class MemberEndpoints
{
    /// <param name="organization">The <c>/v1/api/organizations/{organizationId}</c> group.</param>
    public static RouteGroupBuilder MapMembers(this RouteGroupBuilder organization)
    {
        var group = organization.MapGroup("/members")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.OrganizationAdmin);

        group.MapPost("/add", AddOrganizationMember).WithName("addOrganizationMember").WithSummary("Add member");
        group.MapPost("/remove", RemoveOrganizationMember).WithName("removeOrganizationMember").WithSummary("Remove member");
        group.MapPost("/{memberId:int}/role", SetOrganizationMemberRole).WithName("setOrganizationMemberRole").WithSummary("Set member role");
        return organization;
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> AddOrganizationMember(
        AddMemberRequest request, OrganizationAccess access, MemberService members, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.UsernameOrEmail) || request.UsernameOrEmail.Length > 254)
        {
            return ApiResults.BadRequest("'usernameOrEmail' is required.");
        }

        if (OrganizationRoles.Parse(request.Role) is not { } role)
        {
            return ApiResults.BadRequest(RoleRequired);
        }

        return Answer(await members.AddAsync(access.OrganizationId, request.UsernameOrEmail, role, access.Actor, cancellationToken));
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> RemoveOrganizationMember(
        RemoveMemberRequest request, OrganizationAccess access, MemberService members, CancellationToken cancellationToken) =>
        request.Id is not { } userId
            ? ApiResults.BadRequest("'id' (the user id of the member) is required.")
            : Answer(await members.RemoveAsync(access.OrganizationId, userId, access.Actor, cancellationToken));

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> SetOrganizationMemberRole(
        int memberId, SetMemberRoleRequest request, OrganizationAccess access, MemberService members, CancellationToken cancellationToken) =>
        OrganizationRoles.Parse(request.Role) is not { } role
            ? ApiResults.BadRequest(RoleRequired)
            : Answer(await members.SetRoleAsync(access.OrganizationId, memberId, role, access.Actor, cancellationToken));

    private const string RoleRequired = "'role' is required and must be 'admin', 'member' or 'guest'.";

    private static Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>> Answer(MemberChange change) => change switch
    {
        MemberChange.Done => ApiResults.Ok(),
        MemberChange.NoSuchUser => ApiResults.NotFound("No user with that username or e-mail address."),
        MemberChange.NotAMember => ApiResults.NotFound("That user is not a member of this organization."),
        MemberChange.AlreadyAMember => ApiResults.Conflict("That user is already a member of this organization."),
        _ => ApiResults.Conflict("An organization must keep at least one admin."),
    };
}
