using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Address).HasMaxLength(45);
        builder.Property(a => a.Detail).HasMaxLength(256);
        builder.Property(a => a.ActorName).HasMaxLength(64);
        // Read newest first, per organization, in pages.
        builder.HasIndex(a => new { a.OrganizationId, a.Id });
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        // The entry is written in the same SaveChanges as a new key, so it can point at it.
        builder.HasOne(a => a.ApiKey).WithMany().HasForeignKey(a => a.ApiKeyId).OnDelete(DeleteBehavior.Restrict);
    }
}
