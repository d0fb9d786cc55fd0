using System.Linq.Expressions;
using System.Text.Json.Serialization;
using McpStack.Data.Entities;

namespace McpStack.Data.Tasks;

[JsonConverter(typeof(NamedEnumConverter<TaskStatusFilter>))]
public enum TaskStatusFilter
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("completed")] Completed,
}

public sealed record NewTask(string? Title, string? Description = null, DateTime? DueAt = null, TaskPriority? Priority = null);

/// <summary>A partial update: null leaves a field as it is. <see cref="ClearDueAt"/> removes the due date.</summary>
public sealed record TaskChanges(
    string? Title = null,
    string? Description = null,
    bool? Completed = null,
    DateTime? DueAt = null,
    bool ClearDueAt = false,
    TaskPriority? Priority = null);

public sealed record TaskPage(IReadOnlyList<TaskDto> Items, int Total, int Limit, int Offset)
{
    public bool HasMore => Offset + Items.Count < Total;
}

/// <summary>A task as the outside world sees it (REST and MCP): no user id, ever.</summary>
/// <remarks>
/// <see cref="DueAt"/> is written even when null: the tools' output schema lists every property as required, and the
/// MCP SDK's serializer would otherwise drop nulls, so clients that validate results (the TypeScript SDK) refused them.
/// </remarks>
public sealed record TaskDto(
    Guid Id,
    string Title,
    string Description,
    bool Completed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTime? DueAt,
    TaskPriority Priority,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version)
{
    /// <summary>A query's rows read straight into tasks as shown (TaskService's list).</summary>
    public static readonly Expression<Func<TaskItem, TaskDto>> Projection = task =>
        new(task.Id, task.Title, task.Description, task.Completed, task.DueAt, task.Priority, task.CreatedAt, task.UpdatedAt, task.Version);

    private static readonly Func<TaskItem, TaskDto> FromEntity = Projection.Compile();

    public static TaskDto From(TaskItem task) => FromEntity(task);
}
