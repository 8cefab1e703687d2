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

    /// <summary>A white label admin in a live inner organization of its white label.</summary>
    public const string InnerOrganization = "whitelabel-inner-organization";

    /// <summary>As <see cref="InnerOrganization"/>, deleted inner organizations included (reading their past).</summary>
    public const string InnerOrganizationAnyState = "whitelabel-inner-organization-any-state";

    /// <summary>As <see cref="InnerOrganization"/>, for a key of it: a missing organization reads as a missing key.</summary>
    public const string InnerOrganizationKey = "whitelabel-inner-organization-key";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(User, p => p.RequireAuthenticatedUser().AddRequirements(new UserRequirement()));
        options.AddPolicy(OrganizationGuest, p => p.RequireAuthenticatedUser().AddRequirements(new OrganizationRoleRequirement(OrganizationRole.Guest)));
        options.AddPolicy(OrganizationMember, p => p.RequireAuthenticatedUser().AddRequirements(new OrganizationRoleRequirement(OrganizationRole.Member)));
        options.AddPolicy(OrganizationAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new OrganizationRoleRequirement(OrganizationRole.Admin)));
        options.AddPolicy(WhiteLabelAdmin, p => WhiteLabelAdminOf(p));
        options.AddPolicy(InnerOrganization, p => WhiteLabelAdminOf(p)
            .AddRequirements(new InnerOrganizationRequirement(IncludeDeleted: false, "Organization not found.")));
        options.AddPolicy(InnerOrganizationAnyState, p => WhiteLabelAdminOf(p)
            .AddRequirements(new InnerOrganizationRequirement(IncludeDeleted: true, "Organization not found.")));
        options.AddPolicy(InnerOrganizationKey, p => WhiteLabelAdminOf(p)
            .AddRequirements(new InnerOrganizationRequirement(IncludeDeleted: false, "API key not found.")));
    }

    private static AuthorizationPolicyBuilder WhiteLabelAdminOf(AuthorizationPolicyBuilder policy) =>
        policy.RequireAuthenticatedUser().AddRequirements(new WhiteLabelAdminRequirement(), new OrganizationRoleRequirement(OrganizationRole.Admin));
}
