namespace OrgKeys.Data.Entities;

/// <summary>
/// A branded tenant of the platform. Admins of its admin organization are its white label admins;
/// organizations created inside it (<see cref="Organization.WhiteLabelId"/>) are its inner organizations.
/// </summary>
public class WhiteLabel
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower-case host name, unique.</summary>
    public required string Domain { get; set; }
    public int AdminOrganizationId { get; set; }
    public DateTime Created { get; set; }

    public Organization AdminOrganization { get; set; } = null!;
}
