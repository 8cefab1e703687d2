using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys.Rules;
using OrgKeys.Audit;
using OrgKeys.Authentication.Caching;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

public sealed record ApiKeyPolicyView(
    string OnExposure, int ExpiringNoticeDays, long? MaxTtlSeconds, bool RequireExpiry, IReadOnlyList<string>? AllowedRoles,
    IReadOnlyList<RateLimitRule>? DefaultRateLimits, IReadOnlyList<string>? DefaultAllowedIps)
{
    public static ApiKeyPolicyView From(ApiKeyPolicy policy) =>
        new(ApiKeyPolicyEndpoints.Name(policy.OnExposure), policy.ExpiringNoticeDays, policy.MaxTtlSeconds, policy.RequireExpiry,
            policy.AllowedRoles?.Split(','), policy.DefaultRateLimits is null ? null : RateLimitRules.FromColumn(policy.DefaultRateLimits),
            IpAllowlist.StringsFromColumn(policy.DefaultAllowedIps));
}

public sealed record GetApiKeyPolicyResponse(ApiKeyPolicyView Policy)
{
    public bool Success => true;
}

/// <summary>What the policy endpoint needs besides the request and the caller.</summary>
public sealed record ApiKeyPolicyServices(OrgKeysDbContext Db, AuditLog Audit, AuthCache Cache);

/// <summary>
/// <c>/v1/api/organizations/{organizationId}/apikey-policy</c> (OrgKeys extension): what happens to a
/// key reported exposed, <c>revoke</c> (the default) or <c>notify</c>, and how many days before a key
/// expires the <c>apikey.expiring</c> event is raised (7 by default; 0: never); and the rules keys
/// must keep (longest life, expiry required, roles) with the defaults a new key gets.
/// </summary>
public static class ApiKeyPolicyEndpoints
{
    private const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";
    public const int MaxExpiringNoticeDays = 90;

    /// <param name="organization">The <c>/v1/api/organizations/{organizationId}</c> group.</param>
    public static RouteGroupBuilder MapApiKeyPolicy(this RouteGroupBuilder organization)
    {
        organization.MapGet("/apikey-policy", GetOrganizationApiKeyPolicy).RequireAuthorization(Policies.OrganizationMember)
            .WithTags("Organizations").WithName("getOrganizationApiKeyPolicy").WithSummary("Get API key policy")
            .WithDescription($"What happens to the organization's keys, e.g. when one is reported exposed. {Extension}");
        organization.MapPost("/apikey-policy", SetOrganizationApiKeyPolicy).RequireAuthorization(Policies.OrganizationAdmin)
            .WithTags("Organizations").WithName("setOrganizationApiKeyPolicy").WithSummary("Set API key policy")
            .WithDescription($"onExposure: 'revoke' (default) revokes a key reported exposed; 'notify' only records the exposure. "
                + $"expiringNoticeDays: 0 to {MaxExpiringNoticeDays}, how many days ahead apikey.expiring is raised (default 7; 0: never). "
                + "maxTtlSeconds, requireExpiry, allowedRoles: a new key that breaks them is refused (400), an existing one is blocked (403) "
                + "until the policy is relaxed. defaultRateLimits, defaultAllowedIps: what a new key gets when its request names none. "
                + $"Fields left out are kept; null clears the full policy's fields. {Extension}");
        return organization;
    }

    public static async Task<Ok<GetApiKeyPolicyResponse>> GetOrganizationApiKeyPolicy(
        OrganizationAccess access, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var policy = await db.ApiKeyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == access.OrganizationId, cancellationToken)
            ?? new ApiKeyPolicy();
        return TypedResults.Ok(new GetApiKeyPolicyResponse(ApiKeyPolicyView.From(policy)));
    }

    /// <summary>Every node re-reads the organization's keys after the change, so a key the policy now blocks is refused at once.</summary>
    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>>> SetOrganizationApiKeyPolicy(
        SetApiKeyPolicyRequest request, OrganizationAccess access, [AsParameters] ApiKeyPolicyServices services, CancellationToken cancellationToken)
    {
        var (db, audit, cache) = services;
        ExposureAction? onExposure = request.OnExposure switch
        {
            "revoke" => ExposureAction.Revoke,
            "notify" => ExposureAction.Notify,
            _ => null,
        };
        var (change, changeError) = ApiKeyPolicyChange.From(request);
        var error = (request.OnExposure, request.ExpiringNoticeDays) switch
        {
            _ when change is null => changeError,
            (null, null) when change.IsEmpty => "Give at least one of 'onExposure', 'expiringNoticeDays', 'maxTtlSeconds', 'requireExpiry', "
                + "'allowedRoles', 'defaultRateLimits' or 'defaultAllowedIps'.",
            (not null, _) when onExposure is null => "'onExposure' must be 'revoke' or 'notify'.",
            (_, < 0 or > MaxExpiringNoticeDays) => $"'expiringNoticeDays' must be from 0 to {MaxExpiringNoticeDays}.",
            _ => null,
        };
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }

        var policy = await db.ApiKeyPolicies.FirstOrDefaultAsync(p => p.OrganizationId == access.OrganizationId, cancellationToken);
        if (policy is null)
        {
            policy = new ApiKeyPolicy { OrganizationId = access.OrganizationId };
            db.ApiKeyPolicies.Add(policy);
        }

        policy.OnExposure = onExposure ?? policy.OnExposure;
        policy.ExpiringNoticeDays = request.ExpiringNoticeDays ?? policy.ExpiringNoticeDays;
        change!.ApplyTo(policy);
        audit.Add(AuditActions.ApiKeyPolicy, access.OrganizationId, access.Actor,
            detail: Describe(policy));
        await db.SaveChangesAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.Organization(access.OrganizationId), db);
        return ApiResults.Ok();
    }

    /// <summary>The audit entry's detail: the defaults by count, so it fits the column.</summary>
    private static string Describe(ApiKeyPolicy p) =>
        $"onExposure: {Name(p.OnExposure)}; expiringNoticeDays: {p.ExpiringNoticeDays}; maxTtlSeconds: {p.MaxTtlSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}; "
        + $"requireExpiry: {(p.RequireExpiry ? "yes" : "no")}; allowedRoles: {p.AllowedRoles ?? "any"}; "
        + $"defaultRateLimits: {RateLimitRules.FromColumn(p.DefaultRateLimits).Length}; defaultAllowedIps: {IpAllowlist.StringsFromColumn(p.DefaultAllowedIps)?.Length ?? 0}";

    public static string Name(ExposureAction action) => action == ExposureAction.Notify ? "notify" : "revoke";
}
