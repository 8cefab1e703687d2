using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;

namespace OrgKeys.Members;

public sealed record ListInvitationsResponse(IReadOnlyList<Invitation> Invitations)
{
    public bool Success => true;
}

/// <summary>
/// <c>/v1/api/user/invitations</c> (OrgKeys extensions): the signed-in user's pending memberships,
/// which they accept or decline. Another user's invitation, or none, is a 404.
/// </summary>
public static class InvitationEndpoints
{
    private const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";
    private const string NoInvitation = "You have no invitation to that organization.";

    /// <param name="user">The <c>/v1/api/user</c> group, which only user credentials reach.</param>
    public static RouteGroupBuilder MapInvitations(this RouteGroupBuilder user)
    {
        var group = user.MapGroup("/invitations");
        group.MapGet("", ListInvitationsCurrentUser).WithName("listInvitationsCurrentUser").WithSummary("Get invitations")
            .WithDescription($"The organizations that invited the current user and that they have not yet joined. {Extension}");
        group.MapPost("/{organizationId:int}/accept", AcceptInvitation).WithName("acceptInvitationCurrentUser").WithSummary("Accept invitation")
            .WithDescription($"Joins the organization with the role it offered. {Extension}");
        group.MapPost("/{organizationId:int}/decline", DeclineInvitation).WithName("declineInvitationCurrentUser").WithSummary("Decline invitation")
            .WithDescription($"Refuses the organization's invitation. {Extension}");
        return user;
    }

    public static async Task<Ok<ListInvitationsResponse>> ListInvitationsCurrentUser(
        CurrentUser current, InvitationService invitations, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListInvitationsResponse(await invitations.ListAsync(current.Id, cancellationToken)));

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> AcceptInvitation(
        int organizationId, CurrentUser current, InvitationService invitations, CancellationToken cancellationToken) =>
        await invitations.AcceptAsync(organizationId, current.Id, cancellationToken) ? ApiResults.Ok() : ApiResults.NotFound(NoInvitation);

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> DeclineInvitation(
        int organizationId, CurrentUser current, InvitationService invitations, CancellationToken cancellationToken) =>
        await invitations.DeclineAsync(organizationId, current.Id, cancellationToken) ? ApiResults.Ok() : ApiResults.NotFound(NoInvitation);
}
