using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class ServerKeyConfiguration : IEntityTypeConfiguration<ServerKey>
{
    public void Configure(EntityTypeBuilder<ServerKey> builder)
    {
        builder.Property(k => k.Purpose).HasMaxLength(64);
        // Two nodes starting at once both try to create a key; the index lets exactly one win.
        builder.HasIndex(k => k.Purpose).IsUnique();
    }
}
