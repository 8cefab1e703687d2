using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>Every scope a client may ask for, defined once, with what it allows in plain words.</summary>
public static class Scopes
{
    public const string OrganizationsRead = "organizations:read";
    public const string UserRead = "user:read";
    public const string ApiKeysRead = "apikeys:read";
    public const string ApiKeysWrite = "apikeys:write";
    public const string MembersRead = "members:read";
    public const string MembersWrite = "members:write";
    public const string OAuthClientsWrite = "oauth-clients:write";
    public const string WhiteLabelAdmin = "whitelabel:admin";

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [OpenIddict.Abstractions.OpenIddictConstants.Scopes.OpenId] = "Know who you are (your user id).",
        [OpenIddict.Abstractions.OpenIddictConstants.Scopes.Email] = "See your e-mail address.",
        [OpenIddict.Abstractions.OpenIddictConstants.Scopes.Profile] = "See your name and username.",
        [OpenIddict.Abstractions.OpenIddictConstants.Scopes.OfflineAccess] = "Keep access while you are away (a refresh token).",
        [OrganizationsRead] = "See your organizations and their details.",
        [UserRead] = "See your account.",
        [ApiKeysRead] = "See the organization's API keys (never their secrets).",
        [ApiKeysWrite] = "Create and revoke the organization's API keys.",
        [MembersRead] = "See the organization's members.",
        [MembersWrite] = "Add and remove members and change their roles.",
        [OAuthClientsWrite] = "See, register, change and delete the organization's OAuth clients.",
        [WhiteLabelAdmin] = "Manage the white label's organizations and their keys.",
    };

    /// <summary>The scopes whose grant names the API's operations (not the OpenID Connect ones).</summary>
    public static readonly string[] Api =
        [OrganizationsRead, UserRead, ApiKeysRead, ApiKeysWrite, MembersRead, MembersWrite, OAuthClientsWrite, WhiteLabelAdmin];

    public static readonly string[] All = [.. Descriptions.Keys];

    public static bool IsKnown(string scope) => Descriptions.ContainsKey(scope);

    /// <summary>OpenIddict's permission name for a scope (<c>scp:…</c>); the OpenID ones need none but openid.</summary>
    public static string Permission(string scope) => Permissions.Prefixes.Scope + scope;

    /// <summary>
    /// The scope an API operation needs, by route and method; null where no token may go (deleting an
    /// organization, changing a password, audit): fail closed for anything not listed.
    /// </summary>
    /// <remarks>The pattern may carry its <c>:int</c> constraints (a route) or not (the OpenAPI document's paths).</remarks>
    public static string? Required(string method, string? pattern)
    {
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        const string Organization = "/v1/api/organizations/{organizationId}";
        pattern = pattern?.Replace(":int}", "}", StringComparison.Ordinal);
        return pattern switch
        {
            "/v1/api/user" or "/v1/api/user/organizations" when read => UserRead,
            "/v1/api/organizations" when read => OrganizationsRead,
            Organization when read => OrganizationsRead,
            not null when pattern.StartsWith(Organization + "/apikeys", StringComparison.Ordinal) => read ? ApiKeysRead : ApiKeysWrite,
            not null when pattern.StartsWith(Organization + "/members", StringComparison.Ordinal) => read ? MembersRead : MembersWrite,
            not null when pattern.StartsWith(Organization + "/oauth-clients", StringComparison.Ordinal) => OAuthClientsWrite,
            not null when pattern.StartsWith(Organization + "/whitelabel", StringComparison.Ordinal) => WhiteLabelAdmin,
            _ => null,
        };
    }
}
