using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Authentication.Caching;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.KeyLimits;

/// <summary>Gives a key rules straight in its row, as the API's create and update store them, and announces the change.</summary>
internal static class KeyRulesSetter
{
    public static async Task SetRulesAsync(
        this OrgKeysApp app, int keyId, string? rateLimits = null, string? allowedIps = null, long? credits = null, long? refillAmount = null, string? refillInterval = null)
    {
        await app.WithDbAsync(async db =>
        {
            var now = app.Time.GetUtcNow().UtcDateTime;
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s
                .SetProperty(k => k.RateLimits, rateLimits)
                .SetProperty(k => k.AllowedIps, allowedIps)
                .SetProperty(k => k.CreditsRemaining, credits)
                .SetProperty(k => k.CreditsAllotment, credits)
                .SetProperty(k => k.CreditsRefillAmount, refillAmount)
                .SetProperty(k => k.CreditsRefillInterval, refillInterval)
                .SetProperty(k => k.CreditsRefilledAt, credits is null ? null : now));
            await app.Services.GetRequiredService<AuthCache>().PublishAsync(AuthChange.ApiKey(keyId), db);
            return 0;
        });
    }

    public static Task<long?> CreditsInDatabaseAsync(this OrgKeysApp app, int keyId) =>
        app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.CreditsRemaining).SingleAsync());
}
