using System.Text.Json.Serialization;

namespace McpStack.Data.Entities;

[JsonConverter(typeof(NamedEnumConverter<TaskPriority>))]
public enum TaskPriority
{
    [JsonStringEnumMemberName("low")] Low,
    [JsonStringEnumMemberName("normal")] Normal,
    [JsonStringEnumMemberName("high")] High,
}

public sealed class TaskItem : IUserOwned, ITimestamped, IVersioned
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 2000;

    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Completed { get; set; }
    public DateTime? DueAt { get; set; }
    public TaskPriority Priority { get; set; } = TaskPriority.Normal;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every change so a stale write is refused instead of lost.</summary>
    public int Version { get; set; }
}
