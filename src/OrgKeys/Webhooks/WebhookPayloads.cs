using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeys.Data.Entities;

namespace OrgKeys.Webhooks;

/// <summary>
/// The signed body <c>{type, timestamp, data}</c>. Made from the audit entry, which never holds a
/// secret; the actor is left out, as a white label admin must not show in its inner organizations.
/// </summary>
public static class WebhookPayloads
{
    public static string FromAuditEntry(WebhookEvent webhookEvent, AuditEntry entry)
    {
        var data = new JsonObject { ["organizationId"] = entry.OrganizationId };
        if (entry.ApiKeyId is { } apiKeyId)
        {
            data["apiKeyId"] = apiKeyId;
        }

        if (entry.UserId is { } userId)
        {
            data["userId"] = userId;
        }

        switch (webhookEvent.Type)
        {
            case "apikey.created" or "member.added" or "member.role_changed":
                data["role"] = entry.Detail;
                break;
            case "apikey.exposed":
                // The detail reads "revoked; source: github: content".
                var parts = (entry.Detail ?? "").Split("; source: ", 2);
                data["action"] = parts[0];
                data["source"] = parts.Length > 1 ? parts[1] : null;
                break;
            case "apikey.expiring" or "apikey.expired":
                data["expiresAt"] = entry.Detail;
                break;
            case "apikey.rate_limited":
                data["limit"] = entry.Detail;
                break;
            case "apikey.credits_low":
                // The detail reads "remaining: 9; threshold: 10".
                var counts = Fields(entry.Detail);
                data["remaining"] = long.TryParse(counts.GetValueOrDefault("remaining"), CultureInfo.InvariantCulture, out var remaining) ? remaining : null;
                data["threshold"] = long.TryParse(counts.GetValueOrDefault("threshold"), CultureInfo.InvariantCulture, out var threshold) ? threshold : null;
                break;
            case "apikey.rolled":
                // The detail reads "rolledTo: 12; oldKeyExpires: 2026-11-28T01:00:00.000Z".
                var fields = Fields(entry.Detail);
                data["rolledTo"] = int.TryParse(fields.GetValueOrDefault("rolledTo"), CultureInfo.InvariantCulture, out var rolledTo) ? rolledTo : null;
                // Null while the grace waits for the new key's first use.
                data["oldKeyExpires"] = fields.GetValueOrDefault("oldKeyExpires") is { Length: > 0 } expires && char.IsAsciiDigit(expires[0]) ? expires : null;
                break;
            case "oauth_client.created" or "oauth_client.deleted" or "oauth_client.secret_rotated":
                data["clientId"] = entry.Detail;
                break;
        }

        return Serialize(webhookEvent.Type, webhookEvent.At, data);
    }

    public static string Test(int organizationId, int webhookId, DateTime at) =>
        Serialize(WebhookEventTypes.Test, at, new JsonObject { ["organizationId"] = organizationId, ["webhookId"] = webhookId });

    // An audit detail written as "name: value; name: value".
    private static Dictionary<string, string> Fields(string? detail) =>
        (detail ?? "").Split("; ").Select(f => f.Split(": ", 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);

    private static string Serialize(string type, DateTime at, JsonObject data) =>
        new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["data"] = data,
        }.ToJsonString(JsonSerializerOptions.Default);
}
