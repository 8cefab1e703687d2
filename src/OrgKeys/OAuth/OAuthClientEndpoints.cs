using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Data;
using OrgKeys.Infrastructure;

namespace OrgKeys.OAuth;

/// <summary><c>/v1/api/organizations/{organizationId}/oauth-clients</c>: register and manage OAuth clients, for organization admins.</summary>
public static class OAuthClientEndpoints
{
    private const string NotFound = "OAuth client not found.";

    public static IEndpointRouteBuilder MapOAuthClients(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/api/organizations/{organizationId:int}/oauth-clients")
            .WithTags("Organizations")
            .RequireAuthorization(Policies.OrganizationAdmin);
        group.MapPost("", Create).WithName("createOrganizationOAuthClient").WithSummary("Create OAuth client")
            .RequireAuthorization(Policies.DurableCredential);
        group.MapGet("", List).WithName("listOrganizationOAuthClients").WithSummary("List OAuth clients");
        group.MapGet("/{oauthClientId:int}", Get).WithName("getOrganizationOAuthClient").WithSummary("Get OAuth client");
        group.MapPost("/{oauthClientId:int}", Update).WithName("updateOrganizationOAuthClient").WithSummary("Update OAuth client");
        group.MapPost("/{oauthClientId:int}/rotate-secret", RotateSecret).WithName("rotateOrganizationOAuthClientSecret").WithSummary("Rotate OAuth client secret")
            .RequireAuthorization(Policies.DurableCredential);
        group.MapDelete("/{oauthClientId:int}", Delete).WithName("deleteOrganizationOAuthClient").WithSummary("Delete OAuth client");
        return routes;
    }

    /// <summary>The secret is in this response only; public clients get none.</summary>
    public static async Task<Results<Ok<CreateOAuthClientResponse>, BadRequest<ApiError>>> Create(
        int organizationId, CreateOAuthClientRequest request, OrganizationAccess access, OAuthClientService clients, HttpContext http)
    {
        var isPublic = request.IsPublic ?? false;
        var (settings, error) = OAuthClientRules.Settings(request.Name, request.Description, request.HomepageUrl, request.RedirectUris ?? [], request.Scopes ?? [],
            request.AllowedGrantTypes ?? OAuthClientRules.DefaultGrantTypes, isPublic);
        if (settings is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var (client, secret) = await clients.CreateAsync(organizationId, settings, isPublic, access.Actor, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CreateOAuthClientResponse(client.Id, client.ClientId!, secret));
    }

    public static async Task<Ok<ListOAuthClientsResponse>> List(int organizationId, OrgKeysDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.OAuthApplications.AsNoTracking().Where(a => a.OrganizationId == organizationId).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ListOAuthClientsResponse(rows.ConvertAll(OAuthClientService.Describe)));
    }

    public static async Task<Results<Ok<GetOAuthClientResponse>, NotFound<ApiError>>> Get(
        int organizationId, int oauthClientId, OAuthClientService clients, CancellationToken cancellationToken) =>
        await clients.FindAsync(organizationId, oauthClientId, cancellationToken) is { } client
            ? TypedResults.Ok(new GetOAuthClientResponse(OAuthClientService.Describe(client)))
            : ApiResults.NotFound(NotFound);

    /// <summary>Fields left out keep their values.</summary>
    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, NotFound<ApiError>>> Update(
        int organizationId, int oauthClientId, UpdateOAuthClientRequest request, OrganizationAccess access, OAuthClientService clients)
    {
        var cancellationToken = CancellationToken.None;
        if (await clients.FindAsync(organizationId, oauthClientId, cancellationToken) is not { } client)
        {
            return ApiResults.NotFound(NotFound);
        }

        var current = OAuthClientService.Describe(client);
        var (settings, error) = OAuthClientRules.Settings(request.Name ?? current.Name, request.Description ?? current.Description, request.HomepageUrl ?? current.HomepageUrl,
            request.RedirectUris ?? current.RedirectUris, request.Scopes ?? current.Scopes, request.AllowedGrantTypes ?? current.AllowedGrantTypes, current.IsPublic);
        if (settings is null)
        {
            return ApiResults.BadRequest(error!);
        }

        await clients.UpdateAsync(client, settings, access.Actor, cancellationToken);
        return ApiResults.Ok();
    }

    public static async Task<Results<Ok<RotateOAuthClientSecretResponse>, BadRequest<ApiError>, NotFound<ApiError>>> RotateSecret(
        int organizationId, int oauthClientId, OrganizationAccess access, OAuthClientService clients, HttpContext http)
    {
        if (await clients.FindAsync(organizationId, oauthClientId, http.RequestAborted) is not { } client)
        {
            return ApiResults.NotFound(NotFound);
        }

        if (client.ClientType == OpenIddict.Abstractions.OpenIddictConstants.ClientTypes.Public)
        {
            return ApiResults.BadRequest("A public client has no secret to rotate.");
        }

        var secret = await clients.RotateSecretAsync(client, access.Actor, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new RotateOAuthClientSecretResponse(secret));
    }

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> Delete(
        int organizationId, int oauthClientId, OrganizationAccess access, OAuthClientService clients, CancellationToken cancellationToken)
    {
        if (await clients.FindAsync(organizationId, oauthClientId, cancellationToken) is not { } client)
        {
            return ApiResults.NotFound(NotFound);
        }

        await clients.DeleteAsync(client, access.Actor, cancellationToken);
        return ApiResults.Ok();
    }
}
