using System.Globalization;
using System.Security.Claims;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data.Entities;

namespace OrgKeys.Authentication;

/// <summary>The organization and role a credential acts with (both null: none).</summary>
public readonly record struct CallerAccess(int? OrganizationId, OrganizationRole? Role);

/// <summary>
/// Who an accepted credential is: an API key, a signed-in user, or another kind a carrier adds.
/// Made once per credential and cached with it, so a cached request allocates none. Each kind says
/// itself which organization and role it acts with, so <c>/v1/auth/check</c> needs no list of kinds.
/// </summary>
public abstract record Caller
{
    /// <summary><c>apikey:ID</c>, <c>user:ID</c>…: the <c>X-OrgKeys-Subject</c> of a check.</summary>
    public abstract string Subject { get; }

    /// <summary>The <c>X-OrgKeys-On-Behalf-Of</c> of a check, when it acts for someone else.</summary>
    public virtual string? OnBehalfOf => null;

    /// <summary>When the credential's authority ends by design (a key's ttl), not a session's sign-in lifetime: null for never.</summary>
    public virtual DateTime? NotAfter => null;

    /// <summary>Whether it acts on behalf of a white label, whose keys are temporary by design.</summary>
    public virtual bool ForWhiteLabel => false;
    /// <summary>The <c>X-OrgKeys-Scopes</c> of a check: the space-separated OAuth scopes a token was granted.</summary>
    public virtual string? Scope => null;

    /// <summary>From memory alone, its access when asked to act in <paramref name="wantedOrganization"/>; false when only the database can tell.</summary>
    public abstract bool TryResolveCached(int? wantedOrganization, AuthCache cache, DateTimeOffset now, out CallerAccess access);

    /// <summary>Its access when asked to act in <paramref name="wantedOrganization"/>.</summary>
    public abstract ValueTask<CallerAccess> ResolveAsync(int? wantedOrganization, AccessLookup lookup, CancellationToken cancellationToken);

    /// <summary>The identity ASP.NET Core's authentication signs the request in with.</summary>
    public abstract CallerIdentity ToIdentity(string scheme);
}

/// <summary>A user signed in by a session JWT: they act in the organization asked for, with the role they hold there.</summary>
public sealed record SessionUser(int UserId, int SessionVersion) : Caller
{
    public override string Subject { get; } = string.Create(CultureInfo.InvariantCulture, $"user:{UserId}");

    public override bool TryResolveCached(int? wantedOrganization, AuthCache cache, DateTimeOffset now, out CallerAccess access)
    {
        access = default;
        if (wantedOrganization is not { } organizationId)
        {
            return true;
        }

        if (!cache.TryGetRole(organizationId, UserId, now, out var role))
        {
            return false;
        }

        access = Member(organizationId, role);
        return true;
    }

    public override async ValueTask<CallerAccess> ResolveAsync(int? wantedOrganization, AccessLookup lookup, CancellationToken cancellationToken) =>
        wantedOrganization is { } organizationId
            ? Member(organizationId, await lookup.RoleAsync(organizationId, UserId, cancellationToken))
            : default;

    public override CallerIdentity ToIdentity(string scheme) => new UserIdentity(this, scheme);

    /// <summary>Not a member: no organization at all.</summary>
    private static CallerAccess Member(int organizationId, OrganizationRole? role) => new(role is null ? null : organizationId, role);
}
