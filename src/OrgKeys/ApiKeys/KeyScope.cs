using OrgKeys.Data.Entities;

namespace OrgKeys.ApiKeys;

/// <summary>
/// Which keys of an organization a caller sees and may revoke: the organization's own keys, or the
/// keys one white label minted for it (an inner organization). Neither sees the other's.
/// </summary>
public sealed record KeyScope(int OrganizationId, int? WhiteLabelId)
{
    /// <summary>The organization's ordinary keys: keys a white label minted for it are not visible to it.</summary>
    public static KeyScope Organization(int organizationId) => new(organizationId, null);

    /// <summary>The keys <paramref name="whiteLabelId"/> minted for its inner organization.</summary>
    public static KeyScope MintedBy(int whiteLabelId, int innerOrganizationId) => new(innerOrganizationId, whiteLabelId);

    public IQueryable<ApiKey> Of(IQueryable<ApiKey> keys)
    {
        var inOrganization = keys.Where(k => k.OrganizationId == OrganizationId);
        return WhiteLabelId is { } whiteLabelId
            ? inOrganization.Where(k => k.WhiteLabelId == whiteLabelId)
            : inOrganization.Where(k => k.WhiteLabelId == null);
    }
}
