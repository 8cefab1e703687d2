using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.WhiteLabels;

public sealed record WhiteLabelSummary(int Id, string Name, string Domain, int AdminOrganizationId, DateTime Created);

/// <summary>Creating white labels (an operator's task, from the CLI) and finding their inner organizations.</summary>
public sealed class WhiteLabelService(OrgKeysDbContext db, TimeProvider time)
{
    /// <summary>Creates a white label administered by <paramref name="adminOrganizationId"/>; the error says why not.</summary>
    public async Task<(int Id, string? Error)> CreateAsync(string name, string domain, int adminOrganizationId, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 128)
        {
            return (0, "the name must be 1 to 128 characters");
        }

        if (ClientText.RefuseControlCharacters("name", name) is { } nameError)
        {
            return (0, nameError);
        }

        var host = NormalizeDomain(domain);
        if (host is null)
        {
            return (0, $"'{domain}' is not a valid domain name");
        }

        var admin = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == adminOrganizationId && o.DeletedDate == null)
            .Select(o => new { o.WhiteLabelId, Administers = db.WhiteLabels.Any(w => w.AdminOrganizationId == o.Id) })
            .FirstOrDefaultAsync(cancellationToken);
        if (admin is null)
        {
            return (0, $"no organization {adminOrganizationId}");
        }

        if (admin.WhiteLabelId is not null)
        {
            // Its white label's admins could otherwise mint keys into the organization that administers another.
            return (0, $"organization {adminOrganizationId} is inside a white label and cannot administer one");
        }

        if (admin.Administers)
        {
            return (0, $"organization {adminOrganizationId} already administers a white label");
        }

        if (await db.WhiteLabels.AnyAsync(w => w.Domain == host, cancellationToken))
        {
            return (0, $"the domain '{host}' is already in use");
        }

        var whiteLabel = new WhiteLabel { Name = name, Domain = host, AdminOrganizationId = adminOrganizationId, Created = time.GetUtcNow().UtcDateTime };
        db.WhiteLabels.Add(whiteLabel);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return (0, "the domain or the admin organization was taken at the same moment; try again");
        }

        return (whiteLabel.Id, null);
    }

    public Task<List<WhiteLabelSummary>> ListAsync(CancellationToken cancellationToken) =>
        db.WhiteLabels.AsNoTracking().OrderBy(w => w.Id)
            .Select(w => new WhiteLabelSummary(w.Id, w.Name, w.Domain, w.AdminOrganizationId, w.Created))
            .ToListAsync(cancellationToken);

    /// <summary>The white label's inner organizations: never its own admin organization.</summary>
    public IQueryable<Organization> InnerOrganizations(int whiteLabelId, bool includeDeleted = false) =>
        db.Organizations.Where(o => o.WhiteLabelId == whiteLabelId
            && !db.WhiteLabels.Any(w => w.AdminOrganizationId == o.Id)
            && (includeDeleted || o.DeletedDate == null));

    /// <summary>A lower-case DNS host name (labels of letters, digits and inner hyphens), or null.</summary>
    public static string? NormalizeDomain(string domain)
    {
        var host = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (host.Length is 0 or > 253)
        {
            return null;
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return null;
            }
        }

        return host;
    }
}
