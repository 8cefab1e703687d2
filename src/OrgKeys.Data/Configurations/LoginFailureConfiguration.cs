using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrgKeys.Data.Entities;

namespace OrgKeys.Data.Configurations;

internal sealed class LoginFailureConfiguration : IEntityTypeConfiguration<LoginFailure>
{
    public void Configure(EntityTypeBuilder<LoginFailure> builder)
    {
        // The key is written by an upsert (INSERT … ON CONFLICT) that both providers understand.
        builder.ToTable("LoginFailures");
        builder.HasKey(f => f.Key);
        builder.Property(f => f.Key).HasMaxLength(300);
        // Old rows are pruned by age.
        builder.HasIndex(f => f.LastMs);
    }
}
