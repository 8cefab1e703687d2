using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(128);
        builder.Property(k => k.Hint).HasMaxLength(16);
        builder.Property(k => k.LastUsedIp).HasMaxLength(45);
        // One indexed lookup verifies a key; uniqueness also makes a reused custom key a conflict.
        builder.Property(k => k.KeyHash).HasMaxLength(32);
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => k.OrganizationId);
        // The expiry sweep reads a range of expiry times once a minute.
        builder.HasIndex(k => k.ExpiresAt);
        builder.HasOne(k => k.Organization).WithMany(o => o.ApiKeys).HasForeignKey(k => k.OrganizationId);
        builder.HasOne(k => k.CreatedByUser).WithMany().HasForeignKey(k => k.CreatedByUserId)
            .OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<WhiteLabel>().WithMany().HasForeignKey(k => k.WhiteLabelId)
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(k => k.CreatedByApiKeyId)
            .OnDelete(DeleteBehavior.SetNull);
        // RolledFromId and RolledToId are plain columns, not foreign keys: keys are revoked, never deleted, and a
        // foreign key added to an existing table makes SQLite rebuild it, which a migration cannot do in its transaction.
        builder.Property(k => k.RateLimits).HasMaxLength(2048);
        builder.Property(k => k.AllowedIps).HasMaxLength(8192);
        builder.Property(k => k.CreditsRefillInterval).HasMaxLength(16);
    }
}
