using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using OrgKeys.Data;
using OrgKeys.WhiteLabels;

namespace OrgKeys.Console;

/// <summary>
/// The name in the console's header and title: a white label's own name when the page is reached through its
/// domain, else "OrgKeys". Every white label's domain is read in one query and remembered for a minute: a page
/// costs no query for it, and made-up Host headers can neither fill the cache nor reach the database.
/// </summary>
public sealed class Branding(IMemoryCache memory, IServiceScopeFactory scopes)
{
    public const string Default = "OrgKeys";

    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(1);

    public async Task<string> NameAsync(HttpContext http)
    {
        if (WhiteLabelService.NormalizeDomain(http.Request.Host.Host) is not { } host)
        {
            return Default;
        }

        var domains = await memory.GetOrCreateAsync("console-brand-domains", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Remember;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrgKeysDbContext>();
            return await db.WhiteLabels.AsNoTracking().ToDictionaryAsync(w => w.Domain, w => w.Name, StringComparer.Ordinal, http.RequestAborted);
        });
        return domains is not null && domains.TryGetValue(host, out var name) ? name : Default;
    }
}
