namespace OrgKeys.Webhooks;

/// <summary><c>OrgKeys:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "OrgKeys:Webhooks";

    /// <summary>Lets destinations resolve to loopback and private addresses (tests, on-premises), and use plain http.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whether this node runs the delivery worker.</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>How often an idle worker looks for work, in milliseconds.</summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>Deliveries sent at once by one node.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>How long failed deliveries are retried, with exponential backoff, before they are given up.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long delivered and failed deliveries, and the events they sent, are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public const int MaxWebhooksPerOrganization = 20;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
}
