using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Audit;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Secrets;

namespace OrgKeys.Webhooks;

/// <summary>An organization's webhooks: every query is scoped by the organization in the query itself.</summary>
public sealed class WebhookService(OrgKeysDbContext db, ServerKeyStore keys, TimeProvider time)
{
    /// <summary>The AES-GCM purpose the secrets are sealed under, so a sealed secret cannot pass for another key.</summary>
    private const string SealingPurpose = "webhook-signing-secret";
    private const string SecretPrefix = "whsec_";

    public Task<int> CountAsync(int organizationId, CancellationToken cancellationToken) =>
        db.Webhooks.CountAsync(w => w.OrganizationId == organizationId, cancellationToken);

    public async Task<(int Id, string Secret)> CreateAsync(int organizationId, string url, IReadOnlyList<string> events, string? description,
        Actor actor, CancellationToken cancellationToken)
    {
        var (secret, sealedSecret) = NewSecret();
        var webhook = new Webhook
        {
            OrganizationId = organizationId,
            Url = url,
            Events = string.Join(' ', events.Distinct(StringComparer.Ordinal)),
            Description = description,
            SealedSecret = sealedSecret,
            AfterEventId = await db.WebhookEvents.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0,
            Created = time.GetUtcNow().UtcDateTime,
            CreatedByUserId = actor.UserId,
            CreatedByApiKeyId = actor.ApiKeyId,
        };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync(cancellationToken);
        return (webhook.Id, secret);
    }

    public async Task<IReadOnlyList<WebhookView>> ListAsync(int organizationId, CancellationToken cancellationToken)
    {
        var rows = await db.Webhooks.AsNoTracking().Where(w => w.OrganizationId == organizationId).OrderBy(w => w.Id).ToListAsync(cancellationToken);
        return rows.ConvertAll(w => new WebhookView(w.Id, w.Url, w.Events.Split(' '), w.Description, w.Created));
    }

    public Task<bool> ExistsAsync(int organizationId, int webhookId, CancellationToken cancellationToken) =>
        db.Webhooks.AnyAsync(w => w.OrganizationId == organizationId && w.Id == webhookId, cancellationToken);

    public async Task<bool> DeleteAsync(int organizationId, int webhookId, CancellationToken cancellationToken) =>
        await db.Webhooks.Where(w => w.OrganizationId == organizationId && w.Id == webhookId).ExecuteDeleteAsync(cancellationToken) == 1;

    /// <summary>The old secret stops signing at once: deliveries still due are signed with the new one.</summary>
    public async Task<string?> RotateSecretAsync(int organizationId, int webhookId, CancellationToken cancellationToken)
    {
        var (secret, sealedSecret) = NewSecret();
        var changed = await db.Webhooks.Where(w => w.OrganizationId == organizationId && w.Id == webhookId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.SealedSecret, sealedSecret), cancellationToken);
        return changed == 1 ? secret : null;
    }

    public async Task<IReadOnlyList<WebhookDeliveryView>?> DeliveriesAsync(int organizationId, int webhookId, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(organizationId, webhookId, cancellationToken))
        {
            return null;
        }

        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.OrganizationId == organizationId && d.WebhookId == webhookId)
            .OrderByDescending(d => d.Id).Take(100)
            .Select(d => new WebhookDeliveryView(d.Id, d.EventId, d.Event!.Type, d.State.ToString(), d.Attempt, d.LastStatusCode, d.LastDurationMs,
                d.LastError, d.Created, d.LastAttemptAt, d.State == WebhookDeliveryState.Pending ? d.NextAttemptAt : null))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A new delivery of the same event, with the same webhook-id, so a receiver can tell it is the same message.</summary>
    public async Task<long?> RedeliverAsync(int organizationId, int webhookId, long deliveryId, CancellationToken cancellationToken)
    {
        var eventId = await db.WebhookDeliveries
            .Where(d => d.OrganizationId == organizationId && d.WebhookId == webhookId && d.Id == deliveryId)
            .Select(d => (long?)d.EventId).FirstOrDefaultAsync(cancellationToken);
        if (eventId is null)
        {
            return null;
        }

        var delivery = NewDelivery(organizationId, webhookId, eventId.Value);
        db.WebhookDeliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The event was pruned, or the webhook deleted, between the read and the insert: gone, as a 404 says.
            db.Entry(delivery).State = EntityState.Detached;
            return null;
        }

        return delivery.Id;
    }

    /// <summary>A <c>webhook.test</c> event for this webhook only, delivered as any other.</summary>
    public async Task<long?> TestAsync(int organizationId, int webhookId, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(organizationId, webhookId, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var testEvent = new WebhookEvent
        {
            OrganizationId = organizationId,
            Type = WebhookEventTypes.Test,
            At = now,
            WebhookId = webhookId,
            Payload = WebhookPayloads.Test(organizationId, webhookId, now),
            DispatchedAt = now,
        };
        var delivery = NewDelivery(organizationId, webhookId, 0);
        delivery.Event = testEvent;
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        return delivery.Id;
    }

    public WebhookDelivery NewDelivery(int organizationId, int webhookId, long eventId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new() { OrganizationId = organizationId, WebhookId = webhookId, EventId = eventId, State = WebhookDeliveryState.Pending, Created = now, NextAttemptAt = now };
    }

    public byte[] Unseal(byte[] sealedSecret) => keys.Unseal(sealedSecret, SealingPurpose);

    private (string Secret, byte[] Sealed) NewSecret()
    {
        var raw = RandomNumberGenerator.GetBytes(32);
        return (SecretPrefix + Convert.ToBase64String(raw), keys.Seal(raw, SealingPurpose));
    }
}
