using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using OrgKeys.Data;

namespace OrgKeys.Migrations.Postgres;

/// <summary>Used only by `dotnet ef migrations add`; the service configures the context itself.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OrgKeysDbContext>
{
    public OrgKeysDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OrgKeysDbContext>().UseNpgsql("Host=localhost", o => o.MigrationsAssembly(DatabaseProvider.Postgres.MigrationsAssembly())).Options);
}
