namespace OrgKeys.Webhooks;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Description);

/// <summary>The <c>whsec_…</c> secret is in this answer only.</summary>
public sealed record CreateWebhookResponse(int Id, string Secret)
{
    public bool Success => true;
}

public sealed record RotateWebhookSecretResponse(string Secret)
{
    public bool Success => true;
}

public sealed record WebhookView(int Id, string Url, IReadOnlyList<string> Events, string? Description, DateTime Created);

public sealed record ListWebhooksResponse(IReadOnlyList<WebhookView> Webhooks)
{
    public bool Success => true;
}

public sealed record WebhookDeliveryView(long Id, long EventId, string Type, string State, int Attempt, int? LastStatusCode,
    int? LastDurationMs, string? LastError, DateTime Created, DateTime? LastAttemptAt, DateTime? NextAttemptAt);

public sealed record ListWebhookDeliveriesResponse(IReadOnlyList<WebhookDeliveryView> Deliveries)
{
    public bool Success => true;
}

/// <summary>The new delivery a redelivery or a test made, to find in the delivery log.</summary>
public sealed record WebhookDeliveryCreatedResponse(long Id)
{
    public bool Success => true;
}
