using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;
using OrgKeys.Organizations;
using OrgKeys.Users;

namespace OrgKeys.WhiteLabels;

/// <summary>
/// <c>whitelabelAdminCreateOrganization</c>'s rules and work: the endpoint and the console's white label
/// page both create inner organizations through this, so they cannot drift apart.
/// </summary>
public sealed record InnerOrganizationCreation(OrganizationService Organizations, ActiveUsers Users)
{
    public async Task<Results<Ok<CreateOrganizationResponse>, BadRequest<ApiError>>> CreateAsync(
        WhiteLabelCreateOrganizationRequest request, WhiteLabelAccess whiteLabel, OrganizationAccess access, CancellationToken cancellationToken)
    {
        if (OrganizationService.ValidateName(request.OrganizationName) is { } error)
        {
            return ApiResults.BadRequest(error);
        }

        if (request.AdminId is not null && !string.IsNullOrWhiteSpace(request.AdminEmail))
        {
            return ApiResults.BadRequest("Give at most one of 'adminId' or 'adminEmail': the user invited to administer the organization.");
        }

        if (request.AdminEmail is { Length: > 254 } || ClientText.RefuseControlCharacters("adminEmail", request.AdminEmail) is not null)
        {
            return ApiResults.BadRequest("'adminEmail' must be an e-mail address.");
        }

        PendingAdmin? admin = null;
        if (request.AdminId is { } adminId)
        {
            admin = new(adminId.ToString(CultureInfo.InvariantCulture), await Users.ByIdAsync(adminId, cancellationToken));
        }
        else if (!string.IsNullOrWhiteSpace(request.AdminEmail))
        {
            admin = new(request.AdminEmail.Trim(), await Users.ByEmailAsync(request.AdminEmail, cancellationToken));
        }

        var (id, apiKey) = await Organizations.CreateInnerAsync(
            request.OrganizationName!, whiteLabel.WhiteLabelId, admin, access.Actor.OnBehalfOf(whiteLabel.WhiteLabelId), cancellationToken);
        return TypedResults.Ok(new CreateOrganizationResponse(id, apiKey));
    }
}
