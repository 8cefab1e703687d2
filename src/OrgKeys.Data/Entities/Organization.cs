namespace OrgKeys.Data.Entities;

public class Organization
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime Created { get; set; }
    /// <summary>Soft delete: a deleted organization and its keys are invisible at once.</summary>
    public DateTime? DeletedDate { get; set; }
    /// <summary>Set on inner organizations: the white label they were created in.</summary>
    public int? WhiteLabelId { get; set; }

    public WhiteLabel? WhiteLabel { get; set; }

    public List<OrganizationMember> Members { get; } = [];
    public List<ApiKey> ApiKeys { get; } = [];
    public List<OrganizationInvitation> Invitations { get; } = [];
}
