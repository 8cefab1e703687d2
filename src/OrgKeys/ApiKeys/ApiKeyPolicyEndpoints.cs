using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.ApiKeys;

public sealed record ApiKeyPolicyView(string OnExposure);

public sealed record GetApiKeyPolicyResponse(ApiKeyPolicyView Policy)
{
    public bool Success => true;
}

/// <summary>Body of <c>setOrganizationApiKeyPolicy</c>; the full key policy adds its fields here.</summary>
public sealed record SetApiKeyPolicyRequest(string? OnExposure);

/// <summary>
/// <c>/v1/api/organizations/{organizationId}/apikey-policy</c> (OrgKeys extension), for now only what
/// happens to a key reported exposed: <c>revoke</c> (the default) or <c>notify</c>.
/// </summary>
public static class ApiKeyPolicyEndpoints
{
    private const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";

    /// <param name="organization">The <c>/v1/api/organizations/{organizationId}</c> group.</param>
    public static RouteGroupBuilder MapApiKeyPolicy(this RouteGroupBuilder organization)
    {
        organization.MapGet("/apikey-policy", GetOrganizationApiKeyPolicy).RequireAuthorization(Policies.OrganizationMember)
            .WithTags("Organizations").WithName("getOrganizationApiKeyPolicy").WithSummary("Get API key policy")
            .WithDescription($"What happens to the organization's keys, e.g. when one is reported exposed. {Extension}");
        organization.MapPost("/apikey-policy", SetOrganizationApiKeyPolicy).RequireAuthorization(Policies.OrganizationAdmin)
            .WithTags("Organizations").WithName("setOrganizationApiKeyPolicy").WithSummary("Set API key policy")
            .WithDescription($"onExposure: 'revoke' (default) revokes a key reported exposed; 'notify' only records the exposure. {Extension}");
        return organization;
    }

    public static async Task<Ok<GetApiKeyPolicyResponse>> GetOrganizationApiKeyPolicy(
        OrganizationAccess access, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var onExposure = await db.ApiKeyPolicies.Where(p => p.OrganizationId == access.OrganizationId)
            .Select(p => (ExposureAction?)p.OnExposure).FirstOrDefaultAsync(cancellationToken) ?? ExposureAction.Revoke;
        return TypedResults.Ok(new GetApiKeyPolicyResponse(new ApiKeyPolicyView(Name(onExposure))));
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
        if (onExposure is null)
        {
            return ApiResults.BadRequest("'onExposure' must be 'revoke' or 'notify'.");
        }

        var policy = await db.ApiKeyPolicies.FirstOrDefaultAsync(p => p.OrganizationId == access.OrganizationId, cancellationToken);
        if (policy is null)
        {
            policy = new ApiKeyPolicy { OrganizationId = access.OrganizationId };
            db.ApiKeyPolicies.Add(policy);
        }

        policy.OnExposure = onExposure.Value;
        audit.Add(AuditActions.ApiKeyPolicy, access.OrganizationId, access.Actor, detail: $"onExposure: {request.OnExposure}");
        await db.SaveChangesAsync(cancellationToken);
        return ApiResults.Ok();
    }

    public static string Name(ExposureAction action) => action == ExposureAction.Notify ? "notify" : "revoke";
}
