using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Infrastructure;

namespace OrgKeys.Organizations;

/// <summary><c>/v1/api/organizations</c>: create, list, read and delete organizations.</summary>
public static class OrganizationEndpoints
{
    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/api/organizations").WithTags("Organizations");

        group.MapPost("/create", CreateOrganization).WithName("createOrganization").WithSummary("Create new organization")
            .RequireAuthorization(Policies.User);
        group.MapGet("", ListOrganizations).WithName("listOrganizations").WithSummary("List active organizations")
            .RequireAuthorization(Policies.User);
        group.MapGet("/{organizationId:int}", GetOrganizationInfo).WithName("getOrganizationInfo").WithSummary("Organization information")
            .RequireAuthorization(Policies.OrganizationGuest);
        group.MapDelete("/{organizationId:int}", DeleteOrganization).WithName("deleteOrganization").WithSummary("Remove organization")
            .RequireAuthorization(Policies.OrganizationAdmin);
        return routes;
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

    public static async Task<Results<Ok<GetOrganizationInfoResponse>, NotFound<ApiError>>> GetOrganizationInfo(
        int organizationId, OrganizationService organizations, CancellationToken cancellationToken)
    {
        if (await organizations.FindAsync(organizationId, cancellationToken) is not { } organization)
        {
            return ApiResults.NotFound("Organization not found.");
        }

        return TypedResults.Ok(new GetOrganizationInfoResponse(
            organization, [], ComputeLimits.Default, [], organization.WhitelabelId, new CliLists([], []), new OrganizationPerformance(0)));
    }

    /// <summary>Soft delete: the organization and every key of it stop working at once.</summary>
    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> DeleteOrganization(
        int organizationId, OrganizationAccess access, OrgKeysDbContext db, OrganizationService organizations, CancellationToken cancellationToken) =>
        await organizations.DeleteAsync(db.Organizations, organizationId, KeyOrigin.Of(access.UserId, access.ApiKey), cancellationToken)
            ? ApiResults.Ok()
            : ApiResults.NotFound("Organization not found.");
}
