using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OrgKeys.OAuth;

/// <summary>What a registration says after validation.</summary>
public sealed record OAuthClientSettings(string Name, string? Description, string? HomepageUrl, IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes, IReadOnlyList<string> GrantTypes);

/// <summary>
/// Registers OAuth clients through OpenIddict's manager, which stores the secret only as a salted hash and
/// compares it in fixed time. Every change is audited in the same transaction.
/// </summary>
public sealed class OAuthClientService(OrgKeysDbContext db, OpenIddictApplicationManager<OAuthApplication> applications, AuditLog audit, AuthCache cache, TimeProvider time)
{
    public const string ActionCreate = "oauth-client.create";
    public const string ActionUpdate = "oauth-client.update";
    public const string ActionRotate = "oauth-client.rotate-secret";
    public const string ActionDelete = "oauth-client.delete";

    internal async Task<(OAuthApplication Client, string? Secret)> CreateAsync(int organizationId, OAuthClientSettings settings, bool isPublic,
        Actor actor, CancellationToken cancellationToken)
    {
        var secret = isPublic ? null : NewSecret();
        var client = new OAuthApplication { OrganizationId = organizationId, Created = time.GetUtcNow().UtcDateTime };
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = "oc_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
            ClientType = isPublic ? ClientTypes.Public : ClientTypes.Confidential,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Explicit,
        };
        Apply(descriptor, client, settings, isPublic);
        await applications.PopulateAsync(client, descriptor, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await applications.CreateAsync(client, secret, cancellationToken);
        await audit.RecordAsync(ActionCreate, organizationId, actor, cancellationToken, detail: client.ClientId);
        await transaction.CommitAsync(cancellationToken);
        return (client, secret);
    }

    internal Task<OAuthApplication?> FindAsync(int organizationId, int id, CancellationToken cancellationToken) =>
        db.OAuthApplications.FirstOrDefaultAsync(a => a.OrganizationId == organizationId && a.Id == id && a.Organization.DeletedDate == null, cancellationToken);

    internal async Task UpdateAsync(OAuthApplication client, OAuthClientSettings settings, Actor actor, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, client, cancellationToken);
        Apply(descriptor, client, settings, client.ClientType == ClientTypes.Public);
        await applications.PopulateAsync(client, descriptor, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await applications.UpdateAsync(client, cancellationToken);
        await audit.RecordAsync(ActionUpdate, client.OrganizationId, actor, cancellationToken, detail: client.ClientId);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The old secret stops working at once: only the new hash is kept.</summary>
    internal async Task<string> RotateSecretAsync(OAuthApplication client, Actor actor, CancellationToken cancellationToken)
    {
        var secret = NewSecret();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await applications.UpdateAsync(client, secret, cancellationToken);
        await audit.RecordAsync(ActionRotate, client.OrganizationId, actor, cancellationToken, detail: client.ClientId);
        await transaction.CommitAsync(cancellationToken);
        return secret;
    }

    /// <summary>
    /// OpenIddict's store deletes the client's authorizations and tokens with it, so every token stops;
    /// every node forgets its cached Bearer verdicts once that is committed.
    /// </summary>
    internal async Task DeleteAsync(OAuthApplication client, Actor actor, CancellationToken cancellationToken)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await applications.DeleteAsync(client, cancellationToken);
            await audit.RecordAsync(ActionDelete, client.OrganizationId, actor, cancellationToken, detail: client.ClientId);
            await transaction.CommitAsync(cancellationToken);
        }

        await cache.PublishAsync(AuthChange.OAuth, db);
    }

    internal static SelfServeOAuthClient Describe(OAuthApplication client)
    {
        var permissions = Parse(client.Permissions);
        return new SelfServeOAuthClient(client.Id, client.ClientId!, client.DisplayName ?? "", client.Description, client.HomepageUrl,
            Parse(client.RedirectUris), [.. permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..])],
            client.ClientType == ClientTypes.Public, RequirePkce: true, client.Created,
            [.. permissions.Where(p => p.StartsWith(Permissions.Prefixes.GrantType, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.GrantType.Length..])]);
    }

    private static string[] Parse(string? json) => json is null ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];

    private static string NewSecret() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Permissions follow from the grant types: OpenIddict refuses whatever is not listed.</summary>
    private static void Apply(OpenIddictApplicationDescriptor descriptor, OAuthApplication client, OAuthClientSettings settings, bool isPublic)
    {
        descriptor.DisplayName = settings.Name;
        client.Description = settings.Description;
        client.HomepageUrl = settings.HomepageUrl;
        descriptor.RedirectUris.Clear();
        descriptor.RedirectUris.UnionWith(settings.RedirectUris.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.PostLogoutRedirectUris.Clear();
        descriptor.PostLogoutRedirectUris.UnionWith(descriptor.RedirectUris);
        descriptor.Permissions.Clear();
        descriptor.Requirements.Clear();
        // PKCE for every client that uses the code flow; OpenIddict requires it of public clients anyway.
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        var grants = settings.GrantTypes.ToHashSet(StringComparer.Ordinal);
        var interactive = grants.Contains(GrantTypes.AuthorizationCode) || grants.Contains(GrantTypes.Implicit);
        if (interactive)
        {
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession]);
        }

        if (grants.Any(g => g != GrantTypes.Implicit))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Token);
        }

        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        if (!isPublic)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        descriptor.Permissions.UnionWith(grants.Select(g => Permissions.Prefixes.GrantType + g));
        if (grants.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
        }

        if (grants.Contains(GrantTypes.Implicit))
        {
            descriptor.Permissions.UnionWith([Permissions.ResponseTypes.IdToken, Permissions.ResponseTypes.IdTokenToken]);
        }

        descriptor.Permissions.UnionWith(settings.Scopes.Select(Scopes.Permission));
    }
}
