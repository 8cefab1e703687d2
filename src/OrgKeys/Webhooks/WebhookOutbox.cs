using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Webhooks;

/// <summary>
/// Stages an event beside the audit entry that describes the change, on the same context, so the
/// change, its entry and its event commit or roll back together.
/// </summary>
public static class WebhookOutbox
{
    public static void Stage(OrgKeysDbContext db, AuditEntry entry)
    {
        if (WebhookEventTypes.ForAuditAction(entry.Action) is not { } type)
        {
            return;
        }

        db.WebhookEvents.Add(new WebhookEvent { OrganizationId = entry.OrganizationId, Type = type, At = entry.At, AuditEntry = entry });
    }
}
