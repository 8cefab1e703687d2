using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;

namespace OrgKeys.Organizations;

/// <summary><c>/v1/api/organizations</c>: create, list, read and delete organizations.</summary>
public static class OrganizationEndpoints
{
    /// <param name="organizations">The <c>/v1/api/organizations</c> group.</param>
    public static RouteGroupBuilder MapOrganizations(this RouteGroupBuilder organizations)
    {
        var group = organizations.MapGroup("").WithTags("Organizations");
        group.MapPost("/create", CreateOrganization).WithName("createOrganization").WithSummary("Create new organization")
            .RequireAuthorization(Policies.User);
        group.MapGet("", ListOrganizations).WithName("listOrganizations").WithSummary("List active organizations")
            .RequireAuthorization(Policies.User);
        return organizations;
    }

    /// <param name="organization">The <c>/v1/api/organizations/{organizationId}</c> group.</param>
    public static RouteGroupBuilder MapOrganization(this RouteGroupBuilder organization)
    {
        var group = organization.MapGroup("").WithTags("Organizations");
        group.MapGet("", GetOrganizationInfo).WithName("getOrganizationInfo").WithSummary("Organization information")
            .RequireAuthorization(Policies.OrganizationGuest);
        group.MapDelete("", DeleteOrganization).WithName("deleteOrganization").WithSummary("Remove organization")
            .RequireAuthorization(Policies.OrganizationAdmin);
        return organization;
    }

    public static async Task<Results<Ok<CreateOrganizationResponse>, BadRequest<ApiError>>> CreateOrganization(
        CreateOrganizationRequest request, CurrentUser user, OrganizationService organizations, CancellationToken cancellationToken)
    {
        if (OrganizationService.ValidateName(request.OrganizationName) is { } error)
        {
            return ApiResults.BadRequest(error);
        }

        var (id, apiKey) = await organizations.CreateAsync(request.OrganizationName!, user.Id, cancellationToken);
        return TypedResults.Ok(new CreateOrganizationResponse(id, apiKey));
    }

    public static async Task<Ok<ListOrganizationsResponse>> ListOrganizations(
        CurrentUser user, OrganizationService organizations, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListOrganizationsResponse(await organizations.ListAsync(organizations.OfUser(user.Id), cancellationToken)));

    // The body is serialized once per cached view of the organization: read on every call, changed rarely.
    // A cached view needs no OrganizationService (a pooled DbContext and the services around it): only a miss builds one.
    public static async Task<Results<SerializedOk<GetOrganizationInfoResponse>, NotFound<ApiError>>> GetOrganizationInfo(
        OrganizationAccess access, OrganizationViewCache views, TimeProvider time, HttpContext http, IOptions<JsonOptions> json)
    {
        var organization = views.TryGet(access.OrganizationId, time.GetUtcNow(), out var cached) ? cached
            : await http.RequestServices.GetRequiredService<OrganizationService>().LoadAsync(access.OrganizationId, http.RequestAborted);
        if (organization is null)
        {
            return ApiResults.NotFound("Organization not found.");
        }

        return SerializedOk.Of(organization, static o => new GetOrganizationInfoResponse(
            o, [], ComputeLimits.Default, [], o.WhitelabelId, new CliLists([], []), new OrganizationPerformance(0)), json);
    }

    /// <summary>Soft delete: the organization and every key of it stop working at once.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> DeleteOrganization(
        OrganizationAccess access, OrganizationService organizations, CancellationToken cancellationToken) =>
        await organizations.DeleteAsync(access.OrganizationId, access.Actor, cancellationToken)
            ? ApiResults.Ok()
            : ApiResults.NotFound("Organization not found.");
}
