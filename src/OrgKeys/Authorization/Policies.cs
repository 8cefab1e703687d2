using Microsoft.AspNetCore.Authorization;
using OrgKeys.Data.Entities;

namespace OrgKeys.Authorization;

public static class Policies
{
    public const string User = "user";
    public const string OrganizationGuest = "organization-guest";
    public const string OrganizationMember = "organization-member";
    public const string OrganizationAdmin = "organization-admin";
    public const string WhiteLabelAdmin = "whitelabel-admin";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(User, p => p.RequireAuthenticatedUser().AddRequirements(new UserRequirement()));
        options.AddPolicy(OrganizationGuest, p => p.RequireAuthenticatedUser().AddRequirements(new OrganizationRoleRequirement(OrganizationRole.Guest)));
        options.AddPolicy(OrganizationMember, p => p.RequireAuthenticatedUser().AddRequirements(new OrganizationRoleRequirement(OrganizationRole.Member)));
        options.AddPolicy(OrganizationAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new OrganizationRoleRequirement(OrganizationRole.Admin)));
        options.AddPolicy(WhiteLabelAdmin, p => p.RequireAuthenticatedUser()
            .AddRequirements(new WhiteLabelAdminRequirement(), new OrganizationRoleRequirement(OrganizationRole.Admin)));
    }
}
