using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data.Entities;

namespace OrgKeys.Authorization;

/// <summary>
/// Who acts on the organization in the route, and with which role: resolved once by the
/// authorization handler and handed to the endpoint as a parameter.
/// </summary>
public sealed record OrganizationAccess(int OrganizationId, OrganizationRole Role, int? UserId, VerifiedApiKey? ApiKey)
{
    /// <summary>The caller, as the audit log records it.</summary>
    public Actor Actor => Actor.Of(UserId, ApiKey);

    public static ValueTask<OrganizationAccess?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.Features.Get<OrganizationAccess>());
}

/// <summary>The signed-in user on user-only endpoints (an API key never gets here).</summary>
public sealed record CurrentUser(int Id)
{
    public static ValueTask<CurrentUser?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.User.AsUser() is { } user ? new CurrentUser(user.UserId) : null);
}
