using McpStack.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace McpStack.Data.Tasks;

/// <summary>How tasks are stored; <see cref="AppDbContext"/> finds it with the other features' mappings.</summary>
public sealed class TaskItemConfiguration : IEntityTypeConfiguration<TaskItem>
{
    private static readonly ValueConverter<TaskPriority, string> PriorityConverter =
        new(p => p.ToString().ToLowerInvariant(), s => Enum.Parse<TaskPriority>(s, true));

    public void Configure(EntityTypeBuilder<TaskItem> builder)
    {
        builder.ToTable("tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Title).HasMaxLength(TaskItem.TitleMaxLength).IsRequired();
        builder.Property(t => t.Description).HasMaxLength(TaskItem.DescriptionMaxLength).IsRequired();
        builder.Property(t => t.Priority).HasConversion(PriorityConverter).HasMaxLength(16);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasIndex(t => new { t.UserId, t.Completed, t.CreatedAt });
    }
}
