using System.Text.Json;
using OrgKeys.ApiKeys;
using OrgKeys.Data.Entities;
using OrgKeys.Webhooks;

namespace OrgKeys.Tests.Webhooks;

/// <summary>The <c>apikey.rolled</c> payload reads the roll's audit detail back: the new key, and when the old one stops.</summary>
public class KeyRolledPayloadTests
{
    private static JsonElement Data(string detail)
    {
        var at = new DateTime(2026, 11, 28, 1, 0, 0, DateTimeKind.Utc);
        var entry = new AuditEntry { OrganizationId = 3, Action = ApiKeyLifecycle.ActionRoll, ApiKeyId = 7, Detail = detail, At = at };
        var payload = WebhookPayloads.FromAuditEntry(new WebhookEvent { Type = "apikey.rolled", At = at }, entry);
        return JsonDocument.Parse(payload).RootElement.GetProperty("data");
    }

    [Fact]
    public void Rolled_WithAGrace_NamesTheNewKeyAndTheOldKeysEnd()
    {
        var data = Data(ApiKeyLifecycle.RollDetail(8, new DateTime(2026, 11, 28, 2, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(7, data.GetProperty("apiKeyId").GetInt32());
        Assert.Equal(8, data.GetProperty("rolledTo").GetInt32());
        Assert.Equal("2026-11-28T02:00:00.000Z", data.GetProperty("oldKeyExpires").GetString());
    }

    [Fact]
    public void Rolled_WithGraceFromFirstUse_HasNoEndYet()
    {
        var data = Data(ApiKeyLifecycle.RollDetail(8, null));
        Assert.Equal(8, data.GetProperty("rolledTo").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("oldKeyExpires").ValueKind);
    }
}
