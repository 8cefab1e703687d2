using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class WhiteLabelConfiguration : IEntityTypeConfiguration<WhiteLabel>
{
    public void Configure(EntityTypeBuilder<WhiteLabel> builder)
    {
        builder.Property(w => w.Name).HasMaxLength(128);
        builder.Property(w => w.Domain).HasMaxLength(253);
        builder.HasIndex(w => w.Domain).IsUnique();
        // An organization administers at most one white label.
        builder.HasIndex(w => w.AdminOrganizationId).IsUnique();
        builder.HasOne(w => w.AdminOrganization).WithMany().HasForeignKey(w => w.AdminOrganizationId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}
