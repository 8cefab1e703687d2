using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Carriers;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Webhooks;

namespace OrgKeys.Audit;

/// <summary>The actions the audit log records.</summary>
public static class AuditActions
{
    public const string OrganizationCreate = "organization.create";
    public const string OrganizationDelete = "organization.delete";
    public const string ApiKeyCreate = "apikey.create";
    public const string ApiKeyRevoke = "apikey.revoke";
    public const string MemberAdd = "member.add";
    public const string MemberRemove = "member.remove";
    public const string MemberRole = "member.role";
    public const string ApiKeyExposed = "apikey.exposed";
    public const string ApiKeyPolicy = "apikey.policy";
    public const string MemberAccept = "member.accept";
    public const string MemberWithdraw = "member.withdraw";
}

/// <summary>
/// Records changes in the same unit of work as the change itself: <see cref="Add"/> stages an entry
/// that the caller's next <c>SaveChanges</c> (or transaction) commits together with what it describes.
/// </summary>
public sealed class AuditLog(OrgKeysDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    public AuditEntry Add(string action, int organizationId, Actor actor, int? apiKeyId = null, int? userId = null, string? detail = null)
    {
        var entry = Create(action, organizationId, actor, apiKeyId, userId, detail);
        Append(db, entry);
        return entry;
    }

    /// <summary>An entry not yet staged anywhere: for writers with a unit of work of their own (group-committed keys).</summary>
    public AuditEntry Create(string action, int organizationId, Actor actor, int? apiKeyId = null, int? userId = null, string? detail = null) =>
        new()
        {
            At = time.GetUtcNow().UtcDateTime,
            OrganizationId = organizationId,
            Action = action,
            ActorUserId = actor.UserId,
            ActorApiKeyId = actor.ApiKeyId,
            WhiteLabelId = actor.WhiteLabelId,
            ActorName = actor.Name,
            Address = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            ApiKeyId = apiKeyId,
            UserId = userId,
            Detail = detail,
        };

    /// <summary>Adds and saves at once, for changes made with set-based updates inside a transaction.</summary>
    public async Task RecordAsync(string action, int organizationId, Actor actor, CancellationToken cancellationToken,
        int? apiKeyId = null, int? userId = null, string? detail = null)
    {
        Add(action, organizationId, actor, apiKeyId, userId, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The one place every audited change reaches the database, staged on the very context (and so in
    /// the very transaction) that commits the change, whichever path made it: a request's own context
    /// or the key batch writer's. An event outbox writes its row here, so that no committed change can
    /// miss its event and no event can describe a change that rolled back.
    /// </summary>
    public static void Append(OrgKeysDbContext db, AuditEntry entry)
    {
        db.AuditEntries.Add(entry);
        WebhookOutbox.Stage(db, entry);
    }
}

/// <summary>
/// Whoever did something: a user, an API key, either of them on behalf of a white label. The audit
/// log records it; a key it mints may not outlive it, so <see cref="NotAfter"/> is the acting key's
/// own expiry.
/// </summary>
public sealed record Actor(int? UserId, int? ApiKeyId, DateTime? NotAfter, int? WhiteLabelId)
{
    /// <summary>Set when no person or key acted: a service such as <c>secret scanning: github</c>.</summary>
    public string? Name { get; init; }

    public static Actor User(int userId) => new(userId, null, null, null);

    /// <summary>A reporter outside the organization (secret scanning, a disclosure): no user, no key.</summary>
    public static Actor Service(string name) => new(null, null, null, null) { Name = name };

    /// <summary>What a white label key does is done for its white label too: hidden, and attributable to the same admin.</summary>
    public static Actor Of(int? userId, VerifiedApiKey? apiKey) =>
        new(userId, apiKey?.Id, apiKey?.ExpiresAt, apiKey?.WhiteLabelId);

    /// <summary>A white label admin acting inside an inner organization: recorded on behalf of the white label.</summary>
    public Actor OnBehalfOf(int whiteLabelId) => this with { WhiteLabelId = whiteLabelId };
}
