using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Users;

namespace OrgKeys.Members;

/// <summary><c>/v1/api/organizations/{organizationId}/members</c>: only admins add, remove or change roles.</summary>
public static class MemberEndpoints
{
    private const string LastAdmin = "An organization must keep at least one admin.";

    public static IEndpointRouteBuilder MapMembers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/api/organizations/{organizationId:int}/members")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.OrganizationAdmin);

        group.MapPost("/add", AddOrganizationMember).WithName("addOrganizationMember").WithSummary("Add member");
        group.MapPost("/remove", RemoveOrganizationMember).WithName("removeOrganizationMember").WithSummary("Remove member");
        group.MapPost("/{memberId:int}/role", SetOrganizationMemberRole).WithName("setOrganizationMemberRole").WithSummary("Set member role");
        return routes;
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> AddOrganizationMember(
        int organizationId, AddMemberRequest request, OrganizationAccess access, OrgKeysDbContext db, AuditLog audit, AuthCache cache,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.UsernameOrEmail) || request.UsernameOrEmail.Length > 254)
        {
            return ApiResults.BadRequest("'usernameOrEmail' is required.");
        }

        if (OrganizationRoles.Parse(request.Role) is not { } role)
        {
            return ApiResults.BadRequest("'role' is required and must be 'admin', 'member' or 'guest'.");
        }

        var normalized = UserService.Normalize(request.UsernameOrEmail);
        var userId = await db.Users.Where(u => (u.NormalizedUsername == normalized || u.NormalizedEmail == normalized) && !u.Disabled)
            .Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (userId is null)
        {
            return ApiResults.NotFound("No user with that username or e-mail address.");
        }

        if (await db.Members.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId, cancellationToken))
        {
            return ApiResults.Conflict("That user is already a member of this organization.");
        }

        db.Members.Add(new OrganizationMember { OrganizationId = organizationId, UserId = userId.Value, Role = role, Added = time.GetUtcNow().UtcDateTime });
        audit.Add(AuditActions.MemberAdd, organizationId, Actor(access), userId: userId, detail: request.Role);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ApiResults.Conflict("That user is already a member of this organization.");
        }

        await cache.PublishAsync(AuthChange.Membership(organizationId, userId.Value), db);
        return ApiResults.Ok();
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> RemoveOrganizationMember(
        int organizationId, RemoveMemberRequest request, OrganizationAccess access, OrgKeysDbContext db, AuditLog audit, AuthCache cache,
        CancellationToken cancellationToken)
    {
        if (request.Id is not { } userId)
        {
            return ApiResults.BadRequest("'id' (the user id of the member) is required.");
        }

        return await ChangeMemberAsync(db, cache, organizationId, userId, removesAdmin: current => current == OrganizationRole.Admin,
            member => member.ExecuteDeleteAsync(cancellationToken),
            () => audit.RecordAsync(AuditActions.MemberRemove, organizationId, Actor(access), cancellationToken, userId: userId), cancellationToken);
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> SetOrganizationMemberRole(
        int organizationId, int memberId, SetMemberRoleRequest request, OrganizationAccess access, OrgKeysDbContext db, AuditLog audit,
        AuthCache cache,
        CancellationToken cancellationToken)
    {
        if (OrganizationRoles.Parse(request.Role) is not { } role)
        {
            return ApiResults.BadRequest("'role' is required and must be 'admin', 'member' or 'guest'.");
        }

        return await ChangeMemberAsync(db, cache, organizationId, memberId, removesAdmin: current => current == OrganizationRole.Admin && role != OrganizationRole.Admin,
            member => member.ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, role), cancellationToken),
            () => audit.RecordAsync(AuditActions.MemberRole, organizationId, Actor(access), cancellationToken, userId: memberId, detail: request.Role),
            cancellationToken);
    }

    /// <summary>
    /// Removes or re-roles one member under a lock on the organization row, so two admins demoting
    /// each other at once cannot leave the organization with none.
    /// </summary>
    private static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>>> ChangeMemberAsync(
        OrgKeysDbContext db, AuthCache cache, int organizationId, int userId, Func<OrganizationRole, bool> removesAdmin,
        Func<IQueryable<OrganizationMember>, Task<int>> change, Func<Task> record, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Organizations.Where(o => o.Id == organizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name), cancellationToken);

        var member = db.Members.Where(m => m.OrganizationId == organizationId && m.UserId == userId);
        var current = await member.Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return ApiResults.NotFound("That user is not a member of this organization.");
        }

        if (removesAdmin(current.Value) && !await db.Members.AnyAsync(
                m => m.OrganizationId == organizationId && m.Role == OrganizationRole.Admin && m.UserId != userId, cancellationToken))
        {
            return ApiResults.Conflict(LastAdmin);
        }

        await change(member);
        await record();
        await transaction.CommitAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Membership(organizationId, userId), db);
        return ApiResults.Ok();
    }

    private static KeyOrigin Actor(OrganizationAccess access) => KeyOrigin.Of(access.UserId, access.ApiKey);
}
