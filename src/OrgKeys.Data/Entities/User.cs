namespace OrgKeys.Data.Entities;

public class User
{
    public int Id { get; set; }
    public required string Username { get; set; }
    /// <summary>Upper-invariant copy with a unique index: usernames are unique case-insensitively on every provider.</summary>
    public required string NormalizedUsername { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string Name { get; set; }
    public required string PasswordHash { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastSeen { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Embedded in every JWT; bumping it ends all of the user's sessions at once.</summary>
    public int SessionVersion { get; set; }

    public List<OrganizationMember> Memberships { get; } = [];
}
