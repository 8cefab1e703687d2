using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(128);
        builder.HasOne(o => o.WhiteLabel).WithMany().HasForeignKey(o => o.WhiteLabelId)
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => o.WhiteLabelId);
    }
}
