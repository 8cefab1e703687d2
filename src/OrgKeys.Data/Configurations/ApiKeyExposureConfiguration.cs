using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class ApiKeyExposureConfiguration : IEntityTypeConfiguration<ApiKeyExposure>
{
    public void Configure(EntityTypeBuilder<ApiKeyExposure> builder)
    {
        builder.Property(e => e.Source).HasMaxLength(64);
        builder.Property(e => e.Url).HasMaxLength(2048);
        builder.Property(e => e.Action).HasMaxLength(16);
        builder.HasIndex(e => e.ApiKeyId);
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(e => e.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organization>().WithMany().HasForeignKey(e => e.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiKeyPolicyConfiguration : IEntityTypeConfiguration<ApiKeyPolicy>
{
    public void Configure(EntityTypeBuilder<ApiKeyPolicy> builder)
    {
        builder.ToTable("ApiKeyPolicies");
        builder.HasKey(p => p.OrganizationId);
        builder.Property(p => p.OrganizationId).ValueGeneratedNever();
        builder.Property(p => p.OnExposure).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.AllowedRoles).HasMaxLength(64);
        builder.Property(p => p.DefaultRateLimits).HasMaxLength(2048);
        builder.Property(p => p.DefaultAllowedIps).HasMaxLength(8192);
        // The default fills the rows of existing policies; new rows always send their value (0 means never, not "the default").
        builder.Property(p => p.ExpiringNoticeDays).HasDefaultValue(ApiKeyPolicy.DefaultExpiringNoticeDays).HasSentinel(int.MinValue);
        builder.HasOne<Organization>().WithOne().HasForeignKey<ApiKeyPolicy>(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> builder)
    {
        builder.HasKey(w => new { w.ApiKeyId, w.Name, w.WindowStart });
        builder.Property(w => w.Name).HasMaxLength(64);
        // Old windows are pruned by start time.
        builder.HasIndex(w => w.WindowStart);
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(w => w.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
    }
}
