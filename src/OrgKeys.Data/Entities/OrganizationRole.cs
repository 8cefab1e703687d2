namespace OrgKeys.Data.Entities;

/// <summary>Ordered from least to most privilege, so roles compare with &lt; and &gt;.</summary>
public enum OrganizationRole
{
    Guest = 0,
    Member = 1,
    Admin = 2,
}
