using System.Globalization;
using System.Security.Claims;
using OrgKeys.ApiKeys;

namespace OrgKeys.Authentication;

/// <summary>A signed-in user (JWT). Their role is looked up per organization on each request.</summary>
public sealed class UserIdentity : ClaimsIdentity
{
    public UserIdentity(int userId, string scheme)
        : base([new Claim(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture))], scheme) =>
        UserId = userId;

    private UserIdentity(UserIdentity other) : base(other) => UserId = other.UserId;

    public int UserId { get; }

    public override ClaimsIdentity Clone() => new UserIdentity(this);
}

/// <summary>An organization API key: it acts as its organization, with the key's role.</summary>
public sealed class ApiKeyIdentity : ClaimsIdentity
{
    public ApiKeyIdentity(VerifiedApiKey key, string scheme)
        : base([new Claim("orgkeys:api_key_id", key.Id.ToString(CultureInfo.InvariantCulture))], scheme) =>
        Key = key;

    private ApiKeyIdentity(ApiKeyIdentity other) : base(other) => Key = other.Key;

    public VerifiedApiKey Key { get; }

    public override ClaimsIdentity Clone() => new ApiKeyIdentity(this);
}

public static class PrincipalExtensions
{
    public static UserIdentity? AsUser(this ClaimsPrincipal principal) => principal.Identity as UserIdentity;
    public static ApiKeyIdentity? AsApiKey(this ClaimsPrincipal principal) => principal.Identity as ApiKeyIdentity;
}
