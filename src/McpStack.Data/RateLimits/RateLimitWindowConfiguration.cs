using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpStack.Data.RateLimits;

public sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> builder)
    {
        // Unlogged on PostgreSQL: PostgresAppDbContext says so.
        builder.ToTable(RateLimitWindows.Table);
        builder.HasKey(w => new { w.Partition, w.WindowStart });
        builder.Property(w => w.Partition).HasColumnName("partition").HasMaxLength(RateLimitWindow.PartitionMaxLength);
        builder.Property(w => w.WindowStart).HasColumnName("window_start");
        builder.Property(w => w.Hits).HasColumnName("hits");
    }
}
