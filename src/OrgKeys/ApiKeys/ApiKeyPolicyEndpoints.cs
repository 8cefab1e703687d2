using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

public sealed record ApiKeyPolicyView(string OnExposure, int ExpiringNoticeDays);

public sealed record GetApiKeyPolicyResponse(ApiKeyPolicyView Policy)
{
    public bool Success => true;
}

/// <summary>Body of <c>setOrganizationApiKeyPolicy</c>: the fields given are set, the others kept; the full key policy adds its fields here.</summary>
public sealed record SetApiKeyPolicyRequest(string? OnExposure, int? ExpiringNoticeDays);

/// <summary>
/// <c>/v1/api/organizations/{organizationId}/apikey-policy</c> (OrgKeys extension): what happens to a
/// key reported exposed, <c>revoke</c> (the default) or <c>notify</c>, and how many days before a key
/// expires the <c>apikey.expiring</c> event is raised (7 by default; 0: never).
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
                + $"expiringNoticeDays: 0 to {MaxExpiringNoticeDays}, how many days ahead apikey.expiring is raised (default 7; 0: never). Fields left out are kept. {Extension}");
        return organization;
    }

    public static async Task<Ok<GetApiKeyPolicyResponse>> GetOrganizationApiKeyPolicy(
        OrganizationAccess access, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var policy = await db.ApiKeyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == access.OrganizationId, cancellationToken)
            ?? new ApiKeyPolicy();
        return TypedResults.Ok(new GetApiKeyPolicyResponse(new ApiKeyPolicyView(Name(policy.OnExposure), policy.ExpiringNoticeDays)));
    }

    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>>> SetOrganizationApiKeyPolicy(
        SetApiKeyPolicyRequest request, OrganizationAccess access, OrgKeysDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        ExposureAction? onExposure = request.OnExposure switch
        {
            "revoke" => ExposureAction.Revoke,
            "notify" => ExposureAction.Notify,
            _ => null,
        };
        var error = (request.OnExposure, request.ExpiringNoticeDays) switch
        {
            (null, null) => "Give 'onExposure' or 'expiringNoticeDays'.",
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
        audit.Add(AuditActions.ApiKeyPolicy, access.OrganizationId, access.Actor,
            detail: $"onExposure: {Name(policy.OnExposure)}; expiringNoticeDays: {policy.ExpiringNoticeDays}");
        await db.SaveChangesAsync(cancellationToken);
        return ApiResults.Ok();
    }

    public static string Name(ExposureAction action) => action == ExposureAction.Notify ? "notify" : "revoke";
}
