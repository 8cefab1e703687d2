using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

/// <summary>OpenIddict maps its own columns (<c>modelBuilder.UseOpenIddict</c>); these are ours.</summary>
internal sealed class OAuthApplicationConfiguration : IEntityTypeConfiguration<OAuthApplication>
{
    public void Configure(EntityTypeBuilder<OAuthApplication> builder)
    {
        builder.Property(a => a.Description).HasMaxLength(1024);
        builder.Property(a => a.HomepageUrl).HasMaxLength(2048);
        builder.HasOne(a => a.Organization).WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.OrganizationId);
    }
}
