using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.Health;
using OrgKeys.Members;
using OrgKeys.Organizations;
using OrgKeys.SecretScanning;
using OrgKeys.Users;
using OrgKeys.Webhooks;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Infrastructure;

/// <summary>
/// The API's route groups, each made once and handed to the features that hang under it, so that
/// <c>/v1/api/organizations/{organizationId}</c> is written in one place.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Everything under it is the JSON API; the site root is left to pages.</summary>
    public const string Prefix = "/v1";

    /// <summary>Whether a request is for the API, whose errors are JSON in the contract's shape.</summary>
    public static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments(Prefix);

    public static IEndpointRouteBuilder MapOrgKeysApi(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup(Prefix);
        v1.MapHealth().MapLogin().MapUsers();
        v1.MapSecretScanning();

        var organizations = v1.MapGroup("/api/organizations").MapOrganizations();
        var organization = organizations.MapGroup("/{organizationId:int}").MapOrganization().MapMembers().MapApiKeys().MapApiKeyPolicy().MapWebhooks();

        var whiteLabel = organization.MapGroup("/whitelabel").MapWhiteLabels();
        var innerOrganization = whiteLabel.MapGroup("/organizations/{innerOrganizationId:int}").MapInnerOrganizations();
        organization.MapAudit(innerOrganization);
        return routes;
    }
}
