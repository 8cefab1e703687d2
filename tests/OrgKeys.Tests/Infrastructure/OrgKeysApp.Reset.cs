using System.Collections;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.ApiKeys;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.KeyLimits;
using OrgKeys.Throttling;

namespace OrgKeys.Tests.Infrastructure;

public sealed partial class OrgKeysApp
{
    /// <summary>
    /// Makes a running host as good as new for the next test of a class that shares it: every row a
    /// test can make is deleted (ids start from 1 again), and what the service keeps in memory about
    /// them (the auth cache, pending <c>lastUsed</c> writes, login and flood throttles) is forgotten.
    /// The server keys stay, as they would across a restart. The clock goes on from where it was.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
        await Services.GetRequiredService<ApiKeyUsageTracker>().FlushAsync(db, CancellationToken.None);
        var tables = db.Model.GetEntityTypes()
            .Where(e => e.ClrType != typeof(ServerKey) && e.ClrType != typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey))
            .Select(e => e.GetTableName())
            .OfType<string>()
            .Distinct()
            .ToList();
        if (db.Provider() == DatabaseProvider.Postgres)
        {
            // Table names from our own model, not input.
            var truncate = $"TRUNCATE {string.Join(", ", tables.Select(t => $"\"{t}\""))} RESTART IDENTITY CASCADE";
            await db.Database.ExecuteSqlRawAsync(truncate);
        }
        else
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
                var delete = string.Concat(tables.Select(t => $"DELETE FROM \"{t}\";"));
                var sequences = $"DELETE FROM sqlite_sequence WHERE name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})";
                await db.Database.ExecuteSqlRawAsync(delete);
                await db.Database.ExecuteSqlRawAsync(sequences);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = ON");
                await db.Database.CloseConnectionAsync();
            }
        }

        Services.GetRequiredService<AuthCache>().Apply(AuthChange.All);
        Forget(Services.GetRequiredService<LoginThrottle>());
        Forget(Services.GetRequiredService<CredentialFloodGuard>());
        Forget(Services.GetRequiredService<ApiKeyUsageTracker>());
        Forget(Services.GetRequiredService<KeyRateLimiter>());
        Forget(Services.GetRequiredService<CreditBank>());
        Forget(Services.GetRequiredService<RateLimitedEvents>());
    }

    /// <summary>Empties every dictionary a throttle or tracker keeps its counts in.</summary>
    private static void Forget(object service)
    {
        foreach (var field in service.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
        {
            if (field.GetValue(service) is IDictionary entries)
            {
                entries.Clear();
            }
        }
    }
}
