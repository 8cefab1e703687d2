using System.Globalization;
using System.Security.Claims;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Carriers;

namespace OrgKeys.Authentication;

/// <summary>The identity a request is signed in with: a claims identity that knows its <see cref="Authentication.Caller"/>.</summary>
public abstract class CallerIdentity : ClaimsIdentity
{
    protected CallerIdentity(Caller caller, Claim claim, string scheme) : base([claim], scheme) => Caller = caller;

    protected CallerIdentity(CallerIdentity other) : base(other) => Caller = other.Caller;

    public Caller Caller { get; }
}

/// <summary>A signed-in user (JWT). Their role is looked up per organization on each request.</summary>
public sealed class UserIdentity : CallerIdentity
{
    public UserIdentity(SessionUser user, string scheme)
        : base(user, new Claim(ClaimTypes.NameIdentifier, user.UserId.ToString(CultureInfo.InvariantCulture)), scheme) =>
        UserId = user.UserId;

    /// <summary>A user acting through another kind of caller (an OAuth token they delegated).</summary>
    public UserIdentity(Caller caller, int userId, string scheme)
        : base(caller, new Claim(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)), scheme) =>
        UserId = userId;

    private UserIdentity(UserIdentity other) : base(other) => UserId = other.UserId;

    public int UserId { get; }

    public override ClaimsIdentity Clone() => new UserIdentity(this);
}

/// <summary>An organization API key: it acts as its organization, with the key's role.</summary>
public sealed class ApiKeyIdentity : CallerIdentity
{
    public ApiKeyIdentity(VerifiedApiKey key, string scheme)
        : base(key, new Claim("orgkeys:api_key_id", key.Id.ToString(CultureInfo.InvariantCulture)), scheme) =>
        Key = key;

    private ApiKeyIdentity(ApiKeyIdentity other) : base(other) => Key = other.Key;

    public VerifiedApiKey Key { get; }

    public override ClaimsIdentity Clone() => new ApiKeyIdentity(this);
}

public static class PrincipalExtensions
{
    public static UserIdentity? AsUser(this ClaimsPrincipal principal) => principal.Identity as UserIdentity;
    public static ApiKeyIdentity? AsApiKey(this ClaimsPrincipal principal) => principal.Identity as ApiKeyIdentity;

    /// <summary>Whoever the request is signed in as, of any kind.</summary>
    public static Caller? AsCaller(this ClaimsPrincipal principal) => (principal.Identity as CallerIdentity)?.Caller;
}
