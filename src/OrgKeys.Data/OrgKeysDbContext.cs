using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data;

public class OrgKeysDbContext(DbContextOptions<OrgKeysDbContext> options)
    : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<OrganizationMember> Members => Set<OrganizationMember>();
    public DbSet<OrganizationInvitation> Invitations => Set<OrganizationInvitation>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<WhiteLabel> WhiteLabels => Set<WhiteLabel>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();
    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrgKeysDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; roles are stored by name so the rows read plainly.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<OrganizationRole>().HaveConversion<string>().HaveMaxLength(16);
    }
}
