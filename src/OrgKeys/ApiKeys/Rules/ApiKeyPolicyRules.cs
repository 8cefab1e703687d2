using OrgKeys.Data.Entities;
using OrgKeys.Organizations;

namespace OrgKeys.ApiKeys.Rules;

/// <summary>
/// The rules of an organization's key policy that a key can break: a new key that breaks one is
/// refused (400), and a key made before the policy that breaks it is blocked (403) until the policy
/// is relaxed. One function judges both, so they never disagree.
/// </summary>
public static class ApiKeyPolicyRules
{
    /// <summary>Null when the key keeps the policy; else the rule it breaks, in a sentence that names it.</summary>
    public static string? Violation(ApiKeyPolicy? policy, OrganizationRole role, DateTime created, DateTime? expiresAt)
    {
        if (policy is null)
        {
            return null;
        }

        if (policy.RequireExpiry && expiresAt is null)
        {
            return "The organization's key policy requires every key to expire (requireExpiry).";
        }

        if (policy.MaxTtlSeconds is { } max && (expiresAt is null || (expiresAt.Value - created).TotalSeconds > max))
        {
            return $"The organization's key policy allows keys to live at most {max} seconds (maxTtlSeconds).";
        }

        return AllowsRole(policy.AllowedRoles, role) ? null
            : $"The organization's key policy does not allow keys with the {OrganizationRoles.Name(role)} role (allowedRoles: {policy.AllowedRoles}).";
    }

    public static bool AllowsRole(string? allowedRoles, OrganizationRole role) =>
        allowedRoles is null || allowedRoles.Split(',').Contains(OrganizationRoles.Name(role));
}
