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
    public DbSet<ApiKeyExposure> ApiKeyExposures => Set<ApiKeyExposure>();
    public DbSet<ApiKeyPolicy> ApiKeyPolicies => Set<ApiKeyPolicy>();
    public DbSet<RateLimitWindow> RateLimitWindows => Set<RateLimitWindow>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<OAuthApplication> OAuthApplications => Set<OAuthApplication>();
    public DbSet<OAuthAuthorization> OAuthAuthorizations => Set<OAuthAuthorization>();
    public DbSet<OAuthToken> OAuthTokens => Set<OAuthToken>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // OpenIddict's tables (OpenIddictApplications, …) with int keys and our OAuth entity types.
        modelBuilder.UseOpenIddict<OAuthApplication, OAuthAuthorization, OAuthScope, OAuthToken, int>();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrgKeysDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; roles are stored by name so the rows read plainly.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<OrganizationRole>().HaveConversion<string>().HaveMaxLength(16);
    }
}
