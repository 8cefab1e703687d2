namespace OrgKeys.Data.Entities;

/// <summary>
/// A pending membership: what an admin typed, the role offered, and the user it names when one does.
/// It grants nothing until the user accepts it; one that names nobody (an unknown name, or a user who
/// was already a member) stays pending for good, so the organization cannot tell the two apart.
/// </summary>
public class OrganizationInvitation
{
    public int Id { get; set; }
    public int OrganizationId { get; set; }
    /// <summary>The user who may accept it; null when the typed name matched no one who could.</summary>
    public int? UserId { get; set; }
    /// <summary>The username, e-mail or id as the admin typed it: all the organization sees.</summary>
    public required string Invitee { get; set; }
    public OrganizationRole Role { get; set; }
    public DateTime Created { get; set; }

    public Organization Organization { get; set; } = null!;
}
