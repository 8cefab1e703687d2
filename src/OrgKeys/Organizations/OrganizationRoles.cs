using OrgKeys.Data.Entities;

namespace OrgKeys.Organizations;

/// <summary>Organization roles as the contract spells them: <c>guest</c>, <c>member</c>, <c>admin</c>.</summary>
public static class OrganizationRoles
{
    public static string Name(OrganizationRole role) => role switch
    {
        OrganizationRole.Guest => "guest",
        OrganizationRole.Member => "member",
        OrganizationRole.Admin => "admin",
        _ => role.ToString().ToLowerInvariant(),
    };

    /// <summary>The role a client named, or null for anything else.</summary>
    public static OrganizationRole? Parse(string? name) => name switch
    {
        "guest" => OrganizationRole.Guest,
        "member" => OrganizationRole.Member,
        "admin" => OrganizationRole.Admin,
        _ => null,
    };

    /// <summary>The 403's message when a caller holds less than <paramref name="role"/>.</summary>
    public static string Requires(OrganizationRole role) => $"This requires the {Name(role)} role in the organization.";
}
