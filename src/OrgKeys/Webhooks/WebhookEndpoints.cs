using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;

namespace OrgKeys.Webhooks;

/// <summary><c>/v1/api/organizations/{organizationId}/webhooks</c>: signed event deliveries, for organization admins.</summary>
public static class WebhookEndpoints
{
    private const string NotFound = "Webhook not found.";
    private const string DeliveryNotFound = "Delivery not found.";

    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder organization)
    {
        var group = organization.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.OrganizationAdmin);
        // A webhook outlives the request: an expiring or white label credential may not make one or give it a new secret.
        group.MapPost("", Create).WithName("createOrganizationWebhook").WithSummary("Create webhook").RequireAuthorization(Policies.DurableCredential);
        group.MapGet("", List).WithName("listOrganizationWebhooks").WithSummary("List webhooks");
        group.MapDelete("/{webhookId:int}", Delete).WithName("deleteOrganizationWebhook").WithSummary("Delete webhook");
        group.MapPost("/{webhookId:int}/rotate-secret", RotateSecret).WithName("rotateOrganizationWebhookSecret").WithSummary("Rotate webhook secret")
            .RequireAuthorization(Policies.DurableCredential);
        group.MapGet("/{webhookId:int}/deliveries", Deliveries).WithName("listOrganizationWebhookDeliveries").WithSummary("List webhook deliveries");
        group.MapPost("/{webhookId:int}/deliveries/{deliveryId:long}/redeliver", Redeliver).WithName("redeliverOrganizationWebhookDelivery")
            .WithSummary("Redeliver webhook delivery");
        group.MapPost("/{webhookId:int}/test", Test).WithName("testOrganizationWebhook").WithSummary("Send a webhook.test event");
        return organization;
    }

    /// <summary>The secret is in this response only.</summary>
    public static async Task<Results<Ok<CreateWebhookResponse>, BadRequest<ApiError>, Conflict<ApiError>>> Create(
        CreateWebhookRequest request, OrganizationAccess access, WebhookService webhooks, WebhookDestinations destinations, HttpContext http)
    {
        var error = destinations.Refuse(request.Url) ?? RefuseEvents(request.Events) ?? RefuseDescription(request.Description);
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }

        if (await webhooks.CountAsync(access.OrganizationId, http.RequestAborted) >= WebhookOptions.MaxWebhooksPerOrganization)
        {
            return ApiResults.Conflict($"An organization has at most {WebhookOptions.MaxWebhooksPerOrganization} webhooks.");
        }

        var (id, secret) = await webhooks.CreateAsync(access.OrganizationId, request.Url!, request.Events!, request.Description, access.Actor, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CreateWebhookResponse(id, secret));
    }

    public static async Task<Ok<ListWebhooksResponse>> List(int organizationId, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListWebhooksResponse(await webhooks.ListAsync(organizationId, cancellationToken)));

    public static async Task<Results<Ok<ApiOk>, NotFound<ApiError>>> Delete(int organizationId, int webhookId, WebhookService webhooks) =>
        await webhooks.DeleteAsync(organizationId, webhookId, CancellationToken.None) ? ApiResults.Ok() : ApiResults.NotFound(NotFound);

    public static async Task<Results<Ok<RotateWebhookSecretResponse>, NotFound<ApiError>>> RotateSecret(
        int organizationId, int webhookId, WebhookService webhooks, HttpContext http)
    {
        if (await webhooks.RotateSecretAsync(organizationId, webhookId, CancellationToken.None) is not { } secret)
        {
            return ApiResults.NotFound(NotFound);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new RotateWebhookSecretResponse(secret));
    }

    public static async Task<Results<Ok<ListWebhookDeliveriesResponse>, NotFound<ApiError>>> Deliveries(
        int organizationId, int webhookId, WebhookService webhooks, CancellationToken cancellationToken) =>
        await webhooks.DeliveriesAsync(organizationId, webhookId, cancellationToken) is { } deliveries
            ? TypedResults.Ok(new ListWebhookDeliveriesResponse(deliveries))
            : ApiResults.NotFound(NotFound);

    public static async Task<Results<Ok<WebhookDeliveryCreatedResponse>, NotFound<ApiError>>> Redeliver(
        int organizationId, int webhookId, long deliveryId, WebhookService webhooks) =>
        await webhooks.RedeliverAsync(organizationId, webhookId, deliveryId, CancellationToken.None) is { } id
            ? TypedResults.Ok(new WebhookDeliveryCreatedResponse(id))
            : ApiResults.NotFound(DeliveryNotFound);

    public static async Task<Results<Ok<WebhookDeliveryCreatedResponse>, NotFound<ApiError>>> Test(int organizationId, int webhookId, WebhookService webhooks) =>
        await webhooks.TestAsync(organizationId, webhookId, CancellationToken.None) is { } id
            ? TypedResults.Ok(new WebhookDeliveryCreatedResponse(id))
            : ApiResults.NotFound(NotFound);

    private static string? RefuseEvents(IReadOnlyList<string>? events)
    {
        if (events is null || events.Count == 0 || events.Count > 32)
        {
            return "'events' must list from 1 to 32 event types.";
        }

        if (events.Any(e => e is null))
        {
            return "'events' must hold only event type names.";
        }

        var unknown = events.FirstOrDefault(e => !WebhookEventTypes.All.Contains(e));
        return unknown is null ? null
            : $"'events' holds an unknown event type '{(unknown.Length > 64 ? unknown[..64] : unknown)}'; known: {string.Join(", ", WebhookEventTypes.All.Order(StringComparer.Ordinal))}.";
    }

    private static string? RefuseDescription(string? description) =>
        description is { Length: > 256 } ? "'description' must be at most 256 characters." : ClientText.RefuseControlCharacters("description", description);
}
