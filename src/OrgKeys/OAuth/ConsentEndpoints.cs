using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;

namespace OrgKeys.OAuth;

public sealed record ListOAuthConsentsResponse(IReadOnlyList<ConsentView> Consents)
{
    public bool Success => true;
}

/// <summary>
/// <c>/v1/api/user/oauth-consents</c> (OrgKeys extensions): the applications the signed-in user allowed
/// through the consent page. Withdrawing one revokes every token issued under it, on every node at once.
/// No OAuth scope reaches these: a token cannot withdraw, or list, the consents it rests on.
/// </summary>
public static class ConsentEndpoints
{
    private const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";

    /// <param name="user">The <c>/v1/api/user</c> group, which only user credentials reach.</param>
    public static RouteGroupBuilder MapOAuthConsents(this RouteGroupBuilder user)
    {
        var group = user.MapGroup("/oauth-consents");
        group.MapGet("", ListOAuthConsentsCurrentUser).WithName("listOAuthConsentsCurrentUser").WithSummary("Get OAuth consents")
            .WithDescription($"The OAuth applications the current user allowed, with the scopes and the organization they act in. {Extension}");
        group.MapDelete("/{consentId:int}", WithdrawOAuthConsentCurrentUser).WithName("withdrawOAuthConsentCurrentUser")
            .WithSummary("Withdraw OAuth consent")
            .WithDescription($"Withdraws a consent and revokes every token issued under it at once. {Extension}");
        return user;
    }

    public static async Task<Ok<ListOAuthConsentsResponse>> ListOAuthConsentsCurrentUser(
        CurrentUser current, OAuthConsents consents, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListOAuthConsentsResponse(await consents.ListAsync(current.Id, cancellationToken)));

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> WithdrawOAuthConsentCurrentUser(
        int consentId, CurrentUser current, OAuthConsents consents, CancellationToken cancellationToken) =>
        await consents.WithdrawAsync(current.Id, consentId, cancellationToken) ? ApiResults.Ok() : ApiResults.NotFound("You have no such consent.");
}
