using System.Globalization;

namespace OrgKeys.Authentication.Caching;

public enum AuthChangeKind
{
    /// <summary>An API key was revoked (or changed): <c>Id</c> is the key.</summary>
    ApiKey = 'k',
    /// <summary>An organization was deleted (or changed): its keys and memberships. <c>Id</c> is the organization.</summary>
    Organization = 'o',
    /// <summary>A membership was added, removed or re-roled: <c>Id</c> is the organization, <c>OtherId</c> the user.</summary>
    Membership = 'm',
    /// <summary>A user was disabled, deleted or had their sessions ended: <c>Id</c> is the user.</summary>
    User = 'u',
    /// <summary>Keys were created: forget the "unknown key" answers, one of which may now be wrong.</summary>
    KeyCreated = 'c',
    /// <summary>OAuth tokens or authorizations were revoked, or a client deleted: forget every Bearer verdict.</summary>
    OAuth = 'a',
    /// <summary>Anything: drop every entry.</summary>
    All = '*',
}

/// <summary>What changed, small enough to travel as a PostgreSQL NOTIFY payload (<c>k:42:0</c>).</summary>
public readonly record struct AuthChange(AuthChangeKind Kind, int Id = 0, int OtherId = 0)
{
    public static AuthChange ApiKey(int apiKeyId) => new(AuthChangeKind.ApiKey, apiKeyId);
    public static AuthChange Organization(int organizationId) => new(AuthChangeKind.Organization, organizationId);
    public static AuthChange Membership(int organizationId, int userId) => new(AuthChangeKind.Membership, organizationId, userId);
    public static AuthChange User(int userId) => new(AuthChangeKind.User, userId);
    public static readonly AuthChange KeyCreated = new(AuthChangeKind.KeyCreated);
    public static readonly AuthChange OAuth = new(AuthChangeKind.OAuth);
    public static readonly AuthChange All = new(AuthChangeKind.All);

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{(char)Kind}:{Id}:{OtherId}");

    /// <summary>An unreadable payload means "everything": when unsure, forget more, never less.</summary>
    public static AuthChange Parse(string payload)
    {
        var parts = payload.Split(':');
        return parts.Length == 3
            && parts[0].Length == 1 && Enum.IsDefined((AuthChangeKind)parts[0][0])
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var other)
                ? new AuthChange((AuthChangeKind)parts[0][0], id, other)
                : All;
    }
}
