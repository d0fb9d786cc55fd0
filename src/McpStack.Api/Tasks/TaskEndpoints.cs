using McpStack.Api.Delegation;
using McpStack.Api.Security;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using McpStack.Api.Features;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Tasks;

/// <summary>The signed-in user's tasks. The user is the token's subject; ids of other users' tasks answer 404.</summary>
[EndpointGroup]
public static class TaskEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization().ProducesProblems(StatusCodes.Status401Unauthorized);

        tasks.MapGet("/", List).WithName("ListTasks").ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Lists the user's tasks, oldest first, with a status filter and paging.");
        tasks.MapGet("/{id:guid}", Get).WithName("GetTask").ProducesProblems(StatusCodes.Status404NotFound).WithSummary("One task.");
        tasks.MapPost("/", Create).WithName("CreateTask").RequireWriteBudget().ProducesProblems(StatusCodes.Status400BadRequest).WithSummary("Adds a task.");
        tasks.MapPatch("/{id:guid}", Update).WithName("UpdateTask").RequireWriteBudget()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Changes the given fields. With `version`, refuses (409) if the task changed since that version.");
        tasks.MapDelete("/{id:guid}", Delete).WithName("DeleteTask").RequireWriteBudget().ProducesProblems(StatusCodes.Status404NotFound).WithSummary("Deletes a task.");
    }

    private static async Task<Ok<TaskListResponse>> List(TaskService tasks, string? status, int? limit, int? offset, CancellationToken cancellationToken)
    {
        var page = await tasks.ListAsync(ParseStatus(status), limit, offset, cancellationToken);
        return TypedResults.Ok(new TaskListResponse(page.Items, page.Total, page.Limit, page.Offset, page.HasMore));
    }

    private static async Task<Ok<TaskDto>> Get(TaskService tasks, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(TaskDto.From(await tasks.GetAsync(id, cancellationToken)));

    /// <summary>The <c>Location</c> is built from the api's configured public URL, never from the request's Host header.</summary>
    private static async Task<Created<TaskDto>> Create(
        TaskService tasks, IOptions<DelegationOptions> api, CreateTaskRequest request, CancellationToken cancellationToken)
    {
        var task = await tasks.AddAsync(new NewTask(request.Title, request.Description, request.DueAt, request.Priority), cancellationToken);
        return TypedResults.Created($"{api.Value.Issuer.TrimEnd('/')}/api/tasks/{task.Id}", TaskDto.From(task));
    }

    private static async Task<Ok<TaskDto>> Update(TaskService tasks, Guid id, UpdateTaskRequest request, CancellationToken cancellationToken)
    {
        var changes = new TaskChanges(request.Title, request.Description, request.Completed, request.DueAt, request.ClearDueAt ?? false, request.Priority);
        return TypedResults.Ok(TaskDto.From(await tasks.UpdateAsync(id, changes, request.Version, cancellationToken)));
    }

    private static async Task<NoContent> Delete(TaskService tasks, Guid id, CancellationToken cancellationToken)
    {
        await tasks.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static TaskStatusFilter ParseStatus(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => TaskStatusFilter.All,
        "pending" => TaskStatusFilter.Pending,
        "completed" => TaskStatusFilter.Completed,
        _ => throw InputValidationException.For("status", "status must be all, pending or completed."),
    };
}

/// <remarks>Defaults mark what may be left out (the OpenAPI document lists only <see cref="Title"/> as required).</remarks>
public sealed record CreateTaskRequest(string? Title, string? Description = null, DateTime? DueAt = null, TaskPriority? Priority = null);

/// <summary>Only the fields given change. <see cref="Version"/>, when given, must be the task's current version.</summary>
public sealed record UpdateTaskRequest(
    string? Title = null,
    string? Description = null,
    bool? Completed = null,
    DateTime? DueAt = null,
    bool? ClearDueAt = null,
    TaskPriority? Priority = null,
    int? Version = null);

public sealed record TaskListResponse(IReadOnlyList<TaskDto> Items, int Total, int Limit, int Offset, bool HasMore);
