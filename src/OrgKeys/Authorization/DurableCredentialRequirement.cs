using Microsoft.AspNetCore.Authorization;
using OrgKeys.Authentication;

namespace OrgKeys.Authorization;

/// <summary>
/// Nothing a credential makes outlives it: a credential that expires (a key with a ttl, any token
/// with an end), and any white label key, may not do what would outlast it (add a member, change a
/// role, create an OAuth client or a webhook). Written against <see cref="Caller"/>, so every kind of
/// credential obeys it. Endpoints require it with <see cref="Policies.DurableCredential"/>; a rule that
/// depends on more than the endpoint asks <see cref="Refusal"/>.
/// </summary>
public sealed record DurableCredentialRequirement : IAuthorizationRequirement
{
    public const string Expiring =
        "This credential expires, so it cannot do what would outlive it (add members, change roles, create OAuth clients or webhooks); use a key without a ttl or sign in.";

    public const string WhiteLabel =
        "A white label key is temporary, so it cannot do what would outlive it (add members, change roles, create OAuth clients or webhooks).";

    public const string Unknown = "Only a credential that does not expire can do this.";

    /// <summary>Null when <paramref name="caller"/> may make something lasting; else the 403's sentence.</summary>
    public static string? Refusal(Caller? caller) => caller switch
    {
        null => Unknown, // fail closed: a principal no carrier made cannot say when it ends
        { ForWhiteLabel: true } => WhiteLabel,
        { NotAfter: not null } => Expiring,
        _ => null,
    };
}

internal sealed class DurableCredentialHandler : AuthorizationHandler<DurableCredentialRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DurableCredentialRequirement requirement)
    {
        if (DurableCredentialRequirement.Refusal(context.User.AsCaller()) is { } refusal)
        {
            context.Fail(new AuthorizationFailureReason(this, refusal));
        }
        else
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
