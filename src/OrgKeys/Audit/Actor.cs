using OrgKeys.ApiKeys;

namespace OrgKeys.Audit;

/// <summary>
/// Whoever did something: a user, an API key, either of them on behalf of a white label. The audit
/// log records it; a key it mints may not outlive it, so <see cref="NotAfter"/> is the acting key's
/// own expiry.
/// </summary>
public sealed record Actor(int? UserId, int? ApiKeyId, DateTime? NotAfter, int? WhiteLabelId)
{
    public static Actor User(int userId) => new(userId, null, null, null);

    /// <summary>What a white label key does is done for its white label too: hidden, and attributable to the same admin.</summary>
    public static Actor Of(int? userId, VerifiedApiKey? apiKey) =>
        new(userId, apiKey?.Id, apiKey?.ExpiresAt, apiKey?.WhiteLabelId);

    /// <summary>A white label admin acting inside an inner organization: recorded on behalf of the white label.</summary>
    public Actor OnBehalfOf(int whiteLabelId) => this with { WhiteLabelId = whiteLabelId };

    /// <summary>Only the persons: what an organization's own records keep (its first admin key belongs to no white label).</summary>
    public Actor Personally() => this with { WhiteLabelId = null };
}
