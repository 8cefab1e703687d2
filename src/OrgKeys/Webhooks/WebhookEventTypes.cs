using System.Collections.Frozen;
using OrgKeys.ApiKeys;
using OrgKeys.Audit;
using OrgKeys.OAuth;

namespace OrgKeys.Webhooks;

/// <summary>The event types a webhook may ask for, and which audited change raises which.</summary>
public static class WebhookEventTypes
{
    public const string Test = "webhook.test";

    private static readonly FrozenDictionary<string, string> ByAuditAction = new Dictionary<string, string>
    {
        [AuditActions.ApiKeyCreate] = "apikey.created",
        [AuditActions.ApiKeyRevoke] = "apikey.revoked",
        [AuditActions.ApiKeyExposed] = "apikey.exposed",
        // With consent a member joins when the invitation is accepted, not when it is sent.
        [AuditActions.MemberAccept] = "member.added",
        [AuditActions.MemberRemove] = "member.removed",
        [AuditActions.MemberRole] = "member.role_changed",
        [OAuthClientService.ActionCreate] = "oauth_client.created",
        [OAuthClientService.ActionDelete] = "oauth_client.deleted",
        [OAuthClientService.ActionRotate] = "oauth_client.secret_rotated",
        [KeyExpiryEvents.ActionExpiring] = "apikey.expiring",
        [KeyExpiryEvents.ActionExpired] = "apikey.expired",
        [KeyLimits.RateLimitedEvents.Action] = "apikey.rate_limited",
        [KeyLimits.CreditsLowEvents.Action] = "apikey.credits_low",
        [ApiKeyLifecycle.ActionRoll] = "apikey.rolled",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenSet<string> All = ByAuditAction.Values.Append(Test).ToFrozenSet(StringComparer.Ordinal);

    public static string? ForAuditAction(string action) => ByAuditAction.GetValueOrDefault(action);
}
