using OpenIddict.EntityFrameworkCore.Models;

namespace OrgKeys.Data.Entities;

/// <summary>
/// An OAuth client (OpenIddict's application, int keys so the API's <c>id</c> is an integer as every
/// other id of the contract). It belongs to one organization; its secret is stored hashed by OpenIddict.
/// </summary>
public class OAuthApplication : OpenIddictEntityFrameworkCoreApplication<int, OAuthAuthorization, OAuthToken>
{
    public int OrganizationId { get; set; }
    public Organization Organization { get; set; } = null!;
    public string? Description { get; set; }
    public string? HomepageUrl { get; set; }
    public DateTime Created { get; set; }
}

/// <summary>A grant a user (or, ad hoc, a flow) made to a client: revoking it stops every token issued under it.</summary>
public class OAuthAuthorization : OpenIddictEntityFrameworkCoreAuthorization<int, OAuthApplication, OAuthToken>;

public class OAuthScope : OpenIddictEntityFrameworkCoreScope<int>;

/// <summary>A token's entry: every issued token has one, and validation checks it on each use.</summary>
public class OAuthToken : OpenIddictEntityFrameworkCoreToken<int, OAuthApplication, OAuthAuthorization>;
