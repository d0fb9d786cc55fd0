using System.ComponentModel;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using McpStack.Mcp.Apps;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Tools;

/// <summary>
/// The task tools. None takes a user id: every call acts for the bearer token's subject, which the
/// data layer applies to every query and write. A bad argument is an <c>isError</c> result with a clear message.
/// Hosts that render MCP Apps show each result in its view (<see cref="TaskViews"/>).
/// </summary>
[McpServerToolType]
public sealed class TaskTools(TaskService tasks)
{
    [McpAppUi(ResourceUri = TaskViews.TaskUri)]
    [McpServerTool(Name = "add_task", Title = "Add a task", Idempotent = false, UseStructuredContent = true)]
    [Description("Adds a task to the signed-in user's to-do list and returns it, with its id.")]
    public Task<TaskDto> AddTask(
        [Description("What needs doing, 1 to 200 characters, one line.")] string title,
        [Description("Optional details, up to 2000 characters.")] string? description = null,
        [Description("Optional due date and time, ISO 8601 (e.g. 2026-12-01T17:00:00Z).")] DateTime? dueAt = null,
        [Description("Optional priority: low, normal (default) or high.")] TaskPriority? priority = null,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(async () => TaskDto.From(await tasks.AddAsync(new NewTask(title, description, dueAt, priority), cancellationToken)));

    [McpAppUi(ResourceUri = TaskViews.ListUri)]
    [McpServerTool(Name = "list_tasks", Title = "List tasks", ReadOnly = true, UseStructuredContent = true)]
    [Description("Lists the signed-in user's tasks, oldest first. Use status to see only pending or only completed " +
                 "tasks, and limit/offset to page through long lists (hasMore tells whether there is another page).")]
    public Task<TaskListResult> ListTasks(
        [Description("Which tasks: all (default), pending or completed.")] TaskStatusFilter status = TaskStatusFilter.All,
        [Description("How many tasks to return, 1 to 100 (default 20).")] int limit = TaskService.DefaultPageSize,
        [Description("How many tasks to skip, for paging (default 0).")] int offset = 0,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(async () =>
        {
            var page = await tasks.ListAsync(status, limit, offset, cancellationToken);
            return new TaskListResult(page.Items, page.Total, page.Limit, page.Offset, page.HasMore);
        });

    [McpAppUi(ResourceUri = TaskViews.TaskUri)]
    [McpServerTool(Name = "complete_task", Title = "Complete a task", Idempotent = true, UseStructuredContent = true)]
    [Description("Marks one of the signed-in user's tasks as completed (or, with completed=false, as pending again) and returns it.")]
    public Task<TaskDto> CompleteTask(
        [Description("The task's id, as returned by list_tasks or add_task.")] string id,
        [Description("true (default) to mark it done, false to reopen it.")] bool completed = true,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(async () => TaskDto.From(await tasks.UpdateAsync(EntityIds.Parse(id, "task"), new TaskChanges(Completed: completed), cancellationToken: cancellationToken)));

    [McpAppUi(ResourceUri = TaskViews.TaskUri, Visibility = [McpUiToolVisibility.App])]
    [McpServerTool(Name = "get_task", Title = "Get a task", ReadOnly = true, UseStructuredContent = true)]
    [Description("Reads one of the signed-in user's tasks, as it is now: for the task view, which refreshes with it.")]
    public Task<TaskDto> GetTask(
        [Description("The task's id, as returned by list_tasks or add_task.")] string id,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(async () => TaskDto.From(await tasks.GetAsync(EntityIds.Parse(id, "task"), cancellationToken)));

    [McpAppUi(ResourceUri = TaskViews.TaskUri)]
    [McpServerTool(Name = "update_task", Title = "Update a task", Idempotent = true, UseStructuredContent = true)]
    [Description("Changes one of the signed-in user's tasks. Give only the fields to change; the others stay as they are. Returns the task.")]
    public Task<TaskDto> UpdateTask(
        [Description("The task's id, as returned by list_tasks or add_task.")] string id,
        [Description("New title, 1 to 200 characters, one line.")] string? title = null,
        [Description("New details, up to 2000 characters; an empty string clears them.")] string? description = null,
        [Description("New due date and time, ISO 8601.")] DateTime? dueAt = null,
        [Description("true to remove the due date.")] bool clearDueAt = false,
        [Description("New priority: low, normal or high.")] TaskPriority? priority = null,
        [Description("true for done, false for pending.")] bool? completed = null,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(async () => TaskDto.From(await tasks.UpdateAsync(
            EntityIds.Parse(id, "task"),
            new TaskChanges(title, description, completed, dueAt, clearDueAt, priority),
            cancellationToken: cancellationToken)));

    [McpAppUi(ResourceUri = TaskViews.TaskUri)]
    [McpServerTool(Name = "delete_task", Title = "Delete a task", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes one of the signed-in user's tasks for good. Confirm with the user before calling this; " +
                 "clients that support elicitation are asked by the server itself. Returns deleted=false when the user declines.")]
    public Task<DeletedTask> DeleteTask(
        McpServer server,
        RequestContext<CallToolRequestParams> context,
        [Description("The task's id, as returned by list_tasks or add_task.")] string id,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(async () =>
        {
            var taskId = EntityIds.Parse(id, "task");
            var task = await tasks.GetAsync(taskId, cancellationToken);
            switch (DeleteConfirmation.Read(context))
            {
                case DeleteConfirmation.Answer.Declined:
                    return new DeletedTask(task.Id, task.Title, Deleted: false);
                case DeleteConfirmation.Answer.NotAsked when DeleteConfirmation.CanAsk(server, context):
                    throw DeleteConfirmation.Ask(task.Title);
            }
            await tasks.DeleteAsync(taskId, cancellationToken);
            return new DeletedTask(task.Id, task.Title, Deleted: true);
        });
}

public sealed record TaskListResult(IReadOnlyList<TaskDto> Tasks, int Total, int Limit, int Offset, bool HasMore);

public sealed record DeletedTask(Guid Id, string Title, bool Deleted);
