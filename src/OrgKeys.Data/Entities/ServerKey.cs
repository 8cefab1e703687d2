namespace OrgKeys.Data.Entities;

/// <summary>
/// Key material every node must share (the JWT signing key, the server-secret check value).
/// Values are sealed with AES-GCM under a key derived from the server secret, which is not in
/// the database, so a copy of the database alone cannot forge a session.
/// </summary>
public class ServerKey
{
    public int Id { get; set; }
    public required string Purpose { get; set; }
    public required byte[] Value { get; set; }
    public DateTime Created { get; set; }
}
