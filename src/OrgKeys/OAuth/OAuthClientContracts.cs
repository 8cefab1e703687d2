namespace OrgKeys.OAuth;

/// <summary><c>allowedGrantTypes</c> is an OrgKeys extension; without it a client gets the code flow with refresh tokens.</summary>
public sealed record CreateOAuthClientRequest(
    string? Name, string? Description, string? HomepageUrl, IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? Scopes,
    bool? IsPublic, IReadOnlyList<string>? AllowedGrantTypes);

public sealed record CreateOAuthClientResponse(int Id, string ClientId, string? ClientSecret)
{
    public bool Success => true;
}

public sealed record UpdateOAuthClientRequest(
    string? Name, string? Description, string? HomepageUrl, IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? AllowedGrantTypes);

public sealed record RotateOAuthClientSecretResponse(string ClientSecret)
{
    public bool Success => true;
}

public sealed record SelfServeOAuthClient(
    int Id, string ClientId, string Name, string? Description, string? HomepageUrl, IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes, bool IsPublic, bool RequirePkce, DateTime Created, IReadOnlyList<string> AllowedGrantTypes);

public sealed record ListOAuthClientsResponse(IReadOnlyList<SelfServeOAuthClient> OauthClients)
{
    public bool Success => true;
}

public sealed record GetOAuthClientResponse(SelfServeOAuthClient OauthClient)
{
    public bool Success => true;
}
