namespace OrgKeys.Data.Entities;

public class OrganizationMember
{
    public int OrganizationId { get; set; }
    public int UserId { get; set; }
    public OrganizationRole Role { get; set; }
    public DateTime Added { get; set; }

    public Organization Organization { get; set; } = null!;
    public User User { get; set; } = null!;
}
