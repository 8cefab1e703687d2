namespace OrgKeys.Data.Entities;

/// <summary>
/// An organization's endpoint for signed event deliveries. The signing secret is sealed with the
/// server secret, never hashed: it must be read back to sign each delivery.
/// </summary>
public class Webhook
{
    public int Id { get; set; }
    public int OrganizationId { get; set; }
    public required string Url { get; set; }
    /// <summary>The event types it receives, space-separated, compared exactly.</summary>
    public required string Events { get; set; }
    public string? Description { get; set; }
    public required byte[] SealedSecret { get; set; }
    /// <summary>The newest event when it was made: it receives only later ones, not a backlog from before it existed.</summary>
    public long AfterEventId { get; set; }
    public DateTime Created { get; set; }
    public int? CreatedByUserId { get; set; }
    public int? CreatedByApiKeyId { get; set; }
}

/// <summary>
/// The outbox: one row per event, staged with the change it describes (see AuditLog.Append). A
/// dispatcher fans it out into one <see cref="WebhookDelivery"/> per subscribed webhook, once.
/// </summary>
public class WebhookEvent
{
    public long Id { get; set; }
    public int OrganizationId { get; set; }
    public required string Type { get; set; }
    public DateTime At { get; set; }
    /// <summary>The audit entry that describes the change; the payload is read from it at fan-out.</summary>
    public long? AuditEntryId { get; set; }
    public AuditEntry? AuditEntry { get; set; }
    /// <summary>Set for an event meant for one webhook only (<c>webhook.test</c>).</summary>
    public int? WebhookId { get; set; }
    /// <summary>The signed body <c>{type, timestamp, data}</c>, fixed at fan-out so every retry sends the same bytes.</summary>
    public string? Payload { get; set; }
    public DateTime? DispatchedAt { get; set; }
}

public enum WebhookDeliveryState
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>One event for one webhook, and the log of its attempts: state, attempt, last status and duration.</summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    public int WebhookId { get; set; }
    public int OrganizationId { get; set; }
    public long EventId { get; set; }
    public WebhookEvent? Event { get; set; }
    public WebhookDeliveryState State { get; set; }
    public int Attempt { get; set; }
    /// <summary>When it is next due; while an attempt is in flight, the end of that attempt's lease.</summary>
    public DateTime NextAttemptAt { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public int? LastDurationMs { get; set; }
    public string? LastError { get; set; }
}
