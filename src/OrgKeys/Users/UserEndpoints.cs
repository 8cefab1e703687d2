using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;
using OrgKeys.Members;
using OrgKeys.OAuth;
using OrgKeys.Throttling;

namespace OrgKeys.Users;

/// <summary><c>/v1/api/user</c>: the signed-in user and their organizations. API keys get 404 here.</summary>
public static class UserEndpoints
{
    /// <param name="v1">The <c>/v1</c> group.</param>
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/api/user").WithTags("User").RequireAuthorization(Policies.User);
        group.MapGet("", GetCurrentUser).WithName("getCurrentUser").WithSummary("Get current user");
        group.MapGet("/organizations", ListOrganizationsCurrentUser).WithName("listOrganizationsCurrentUser")
            .WithSummary("Get organizations");
        group.MapPost("/change-password", ChangePasswordCurrentUser).WithName("changePasswordCurrentUser")
            .WithSummary("Change password current user");
        group.MapInvitations();
        group.MapOAuthConsents();
        return v1;
    }

    /// <summary>Changes the password and ends every session of the user, this one included: log in again.</summary>
    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> ChangePasswordCurrentUser(
        ChangePasswordRequest request, CurrentUser current, PasswordChange passwords, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        var outcome = await passwords.ChangeAsync(current.Id, request.CurrentPassword, request.NewPassword, cancellationToken);
        if (outcome.Wait is { } wait)
        {
            return throttle.TooManyAttempts(wait);
        }

        return outcome.Error is { } error ? ApiResults.BadRequest(error) : ApiResults.Ok();
    }

    public static async Task<Results<Ok<GetUserResponse>, NotFound<ApiError>>> GetCurrentUser(
        CurrentUser current, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == current.Id, cancellationToken);
        if (user is null)
        {
            return ApiResults.NotFound("User not found.");
        }

        var organizations = await OrganizationsOf(db, current.Id, cancellationToken);
        return TypedResults.Ok(new GetUserResponse(
            user.Id, user.Username, user.Name, user.Email, null, user.Created, user.LastSeen, StaffInfo.None,
            Pending: false, Activated: true, MfaConfigured: false, Tier: "enterprise", organizations, [], []));
    }

    public static async Task<Ok<ListUserOrganizationsResponse>> ListOrganizationsCurrentUser(
        CurrentUser current, OrgKeysDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListUserOrganizationsResponse(await OrganizationsOf(db, current.Id, cancellationToken)));

    private static async Task<List<UserOrganization>> OrganizationsOf(OrgKeysDbContext db, int userId, CancellationToken cancellationToken)
    {
        var rows = await db.Members.AsNoTracking()
            .Where(m => m.UserId == userId && m.Organization.DeletedDate == null)
            .OrderBy(m => m.OrganizationId)
            .Select(m => new
            {
                m.Organization.Id,
                m.Organization.Name,
                m.Organization.Created,
                m.Organization.WhiteLabelId,
                m.Role,
                UserCount = m.Organization.Members.Count(),
                AdminCount = m.Organization.Members.Count(x => x.Role == OrganizationRole.Admin),
            })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(o => new UserOrganization(
            o.Id, o.Name, null, false, o.WhiteLabelId, o.Role == OrganizationRole.Admin, o.Created, null, null, null,
            new Dictionary<string, object>(), o.UserCount, o.AdminCount, 0, null, ProjectLicense.Default));
    }
}
