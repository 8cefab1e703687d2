using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OrgKeys.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>A client asking for consent, as the consent page shows it.</summary>
public sealed record ConsentClient(string ApplicationId, string ClientId, string Name, string? HomepageUrl, string Organization);

/// <summary>A remembered consent, as "Connected applications" lists it.</summary>
public sealed record ConsentView(int Id, string Client, string Organization, IReadOnlyList<string> Scopes, DateTime? Allowed);

/// <summary>
/// Consents are OpenIddict's permanent authorizations for (user, client, scopes). The consent page, the
/// authorize endpoint and "Connected applications" all go through here, so the rules exist once.
/// </summary>
public sealed class OAuthConsents(OrgKeysDbContext db, IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens)
{
    /// <summary>
    /// The client, when the request names a client of a live organization, one of its registered redirect
    /// URIs exactly, and only scopes it may ask for; else null (the page then answers 400, never a redirect).
    /// </summary>
    public async Task<ConsentClient?> FindClientAsync(string? clientId, string? redirectUri, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(redirectUri)
            || await applications.FindByClientIdAsync(clientId, cancellationToken) is not Data.Entities.OAuthApplication application
            || !await applications.ValidateRedirectUriAsync(application, redirectUri, cancellationToken))
        {
            return null;
        }

        foreach (var scope in scopes)
        {
            if (!Scopes.IsKnown(scope) || (scope != OpenIddictConstants.Scopes.OpenId && !await applications.HasPermissionAsync(application, Scopes.Permission(scope), cancellationToken)))
            {
                return null;
            }
        }

        var organization = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == application.OrganizationId && o.DeletedDate == null).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken);
        return organization is null ? null
            : new(application.Id.ToString(CultureInfo.InvariantCulture), clientId, application.DisplayName ?? clientId, application.HomepageUrl, organization);
    }

    /// <summary>The registered redirect URI a local authorize URL (a sign-in page's return URL) ends at, or null.</summary>
    public async Task<Uri?> RedirectOfAsync(string localUrl, CancellationToken cancellationToken)
    {
        if (!localUrl.StartsWith(AuthorizeLinks.AuthorizePath + "?", StringComparison.Ordinal))
        {
            return null;
        }

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(localUrl[AuthorizeLinks.AuthorizePath.Length..]);
        string? Value(string name) => query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
        return await FindClientAsync(Value("client_id"), Value("redirect_uri"), [], cancellationToken) is not null
            && Uri.TryCreate(Value("redirect_uri"), UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>The id of a valid consent of the user covering every scope asked for, or null.</summary>
    public async Task<string?> FindRememberedAsync(int userId, string applicationId, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindAsync(Subject(userId), applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken))
        {
            return await authorizations.GetIdAsync(authorization, cancellationToken);
        }

        return null;
    }

    public async Task GrantAsync(int userId, string applicationId, ImmutableArray<string> scopes, CancellationToken cancellationToken) =>
        await authorizations.CreateAsync(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity()),
            Subject(userId), applicationId, AuthorizationTypes.Permanent, scopes, cancellationToken);

    public async Task<IReadOnlyList<ConsentView>> ListAsync(int userId, CancellationToken cancellationToken)
    {
        var subject = Subject(userId);
        var rows = await db.OAuthAuthorizations.AsNoTracking()
            .Where(a => a.Subject == subject && a.Type == AuthorizationTypes.Permanent && a.Status == Statuses.Valid && a.Application != null)
            .OrderBy(a => a.Application!.DisplayName).ThenBy(a => a.Id)
            .Select(a => new { a.Id, a.Application!.DisplayName, a.Application.ClientId, Organization = a.Application.Organization.Name, a.Scopes, a.CreationDate })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(r => new ConsentView(r.Id, r.DisplayName ?? r.ClientId!, r.Organization,
            r.Scopes is null ? [] : JsonSerializer.Deserialize<string[]>(r.Scopes) ?? [], r.CreationDate));
    }

    /// <summary>Revokes the user's consent and every token issued under it; false when it is not theirs (or gone).</summary>
    public async Task<bool> WithdrawAsync(int userId, int id, CancellationToken cancellationToken)
    {
        var subject = Subject(userId);
        var authorization = await db.OAuthAuthorizations
            .FirstOrDefaultAsync(a => a.Id == id && a.Subject == subject && a.Type == AuthorizationTypes.Permanent && a.Status == Statuses.Valid, cancellationToken);
        if (authorization is null)
        {
            return false;
        }

        var authorizationId = id.ToString(CultureInfo.InvariantCulture);
        await authorizations.TryRevokeAsync(authorization, cancellationToken);
        await tokens.RevokeByAuthorizationIdAsync(authorizationId, cancellationToken);
        return true;
    }

    private static string Subject(int userId) => userId.ToString(CultureInfo.InvariantCulture);
}
