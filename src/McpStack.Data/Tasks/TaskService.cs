using McpStack.Data.Entities;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace McpStack.Data.Tasks;

/// <summary>
/// The task rules, shared by the REST API and the MCP tools so both validate and scope the same way.
/// The user is never a parameter: <see cref="AppDbContext"/> scopes every query and write to the current user.
/// </summary>
public sealed class TaskService(AppDbContext db, Microsoft.Extensions.Options.IOptions<QuotaOptions>? quotas = null) : IDataService
{
    public const int DefaultPageSize = 20;

    private DbSet<TaskItem> Tasks => db.Set<TaskItem>();
    public const int MaxPageSize = 100;

    public async Task<TaskPage> ListAsync(TaskStatusFilter status, int? limit, int? offset, CancellationToken cancellationToken = default)
    {
        var take = limit ?? DefaultPageSize;
        var skip = offset ?? 0;
        var errors = new Dictionary<string, string[]>();
        if (take is < 1 or > MaxPageSize) errors["limit"] = [$"limit must be between 1 and {MaxPageSize}."];
        if (skip < 0) errors["offset"] = ["offset must be 0 or more."];
        if (!Enum.IsDefined(status)) errors["status"] = ["status must be all, pending or completed."];
        if (errors.Count > 0) throw new InputValidationException(errors);

        // One row past the page tells whether another page follows; only then (or past the end) is a count needed.
        var items = new List<TaskDto>(take + 1);
        var (page, count) = ListQueries.For(db, status);
        await foreach (var task in page(db, skip, take + 1).WithCancellation(cancellationToken)) items.Add(task);
        var more = items.Count > take;
        if (more) items.RemoveAt(take);
        var total = more || (items.Count == 0 && skip > 0) ? await count(db) : skip + items.Count;
        return new TaskPage(items, total, take, skip);
    }

    /// <summary>
    /// <c>ListAsync</c>'s statements, compiled once (the hot read: EF Core skips its query cache lookup per call), one
    /// per status filter so that each keeps a plain WHERE the index serves; the context's query filter still scopes
    /// them to the current user. A compiled query serves one model, so there is a set per model (per provider). Rows
    /// are read straight into <see cref="TaskDto"/>: the columns it shows, no entity in between.
    /// </summary>
    private sealed class ListQueries
    {
        private static readonly ConditionalWeakTable<IModel, ListQueries> ByModel = new();

        private readonly Func<AppDbContext, int, int, IAsyncEnumerable<TaskDto>> _allPage = EF.CompileAsyncQuery((AppDbContext db, int skip, int take) =>
            db.Set<TaskItem>().AsNoTracking().OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Skip(skip).Take(take).Select(TaskDto.Projection));

        private readonly Func<AppDbContext, int, int, IAsyncEnumerable<TaskDto>> _pendingPage = EF.CompileAsyncQuery((AppDbContext db, int skip, int take) =>
            db.Set<TaskItem>().AsNoTracking().Where(t => !t.Completed).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Skip(skip).Take(take).Select(TaskDto.Projection));

        private readonly Func<AppDbContext, int, int, IAsyncEnumerable<TaskDto>> _completedPage = EF.CompileAsyncQuery((AppDbContext db, int skip, int take) =>
            db.Set<TaskItem>().AsNoTracking().Where(t => t.Completed).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Skip(skip).Take(take).Select(TaskDto.Projection));

        private readonly Func<AppDbContext, Task<int>> _allCount = EF.CompileAsyncQuery((AppDbContext db) => db.Set<TaskItem>().Count());

        private readonly Func<AppDbContext, Task<int>> _pendingCount = EF.CompileAsyncQuery((AppDbContext db) => db.Set<TaskItem>().Count(t => !t.Completed));

        private readonly Func<AppDbContext, Task<int>> _completedCount = EF.CompileAsyncQuery((AppDbContext db) => db.Set<TaskItem>().Count(t => t.Completed));

        public static (Func<AppDbContext, int, int, IAsyncEnumerable<TaskDto>> Page, Func<AppDbContext, Task<int>> Count) For(AppDbContext db, TaskStatusFilter status)
        {
            var queries = ByModel.GetValue(db.Model, _ => new ListQueries());
            return status switch
            {
                TaskStatusFilter.Pending => (queries._pendingPage, queries._pendingCount),
                TaskStatusFilter.Completed => (queries._completedPage, queries._completedCount),
                _ => (queries._allPage, queries._allCount),
            };
        }
    }

    public async Task<TaskItem> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        await Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException("task", id);

    public async Task<TaskItem> AddAsync(NewTask input, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var title = ValidateTitle(input.Title, required: true, errors);
        var description = ValidateDescription(input.Description, errors);
        ValidatePriority(input.Priority, errors);
        if (errors.Count > 0) throw new InputValidationException(errors);
        var limit = quotas?.Value.MaxTasksPerUser ?? new QuotaOptions().MaxTasksPerUser;
        if (await Tasks.CountAsync(cancellationToken) >= limit) throw new QuotaExceededException("tasks", limit);

        var task = new TaskItem
        {
            Title = title!,
            Description = description ?? "",
            DueAt = input.DueAt?.ToUniversalTime(),
            Priority = input.Priority ?? TaskPriority.Normal,
        };
        Tasks.Add(task);
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }

    /// <summary>Applies <paramref name="changes"/>; with <paramref name="expectedVersion"/>, refuses if the task changed since.</summary>
    public async Task<TaskItem> UpdateAsync(Guid id, TaskChanges changes, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var title = ValidateTitle(changes.Title, required: false, errors);
        var description = ValidateDescription(changes.Description, errors);
        if (changes.ClearDueAt && changes.DueAt is not null) errors["dueAt"] = ["Give a due date or clear it, not both."];
        ValidatePriority(changes.Priority, errors);
        if (errors.Count > 0) throw new InputValidationException(errors);

        var task = await Tasks.FirstOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException("task", id);
        if (expectedVersion is { } expected)
        {
            if (expected != task.Version) throw new ConcurrencyConflictException("task", expected, task.Version);
        }

        if (title is not null) task.Title = title;
        if (description is not null) task.Description = description;
        if (changes.Completed is { } completed) task.Completed = completed;
        if (changes.DueAt is { } dueAt) task.DueAt = dueAt.ToUniversalTime();
        if (changes.ClearDueAt) task.DueAt = null;
        if (changes.Priority is { } priority) task.Priority = priority;

        if (!db.ChangeTracker.HasChanges())
        {
            return task;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else saved between our read and our write; the version column caught it.
            var current = await Tasks.AsNoTracking().Where(t => t.Id == id).Select(t => (int?)t.Version).FirstOrDefaultAsync(cancellationToken);
            if (current is null) throw new NotFoundException("task", id);
            throw new ConcurrencyConflictException("task", expectedVersion ?? task.Version - 1, current.Value);
        }
        return task;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var task = await Tasks.FirstOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException("task", id);
        Tasks.Remove(task);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted or changed concurrently: it is gone for this caller either way.
            throw new NotFoundException("task", id);
        }
    }

    private static string? ValidateTitle(string? title, bool required, Dictionary<string, string[]> errors)
    {
        if (title is null)
        {
            if (required) errors["title"] = ["A title is required."];
            return null;
        }
        var trimmed = title.Trim();
        if (trimmed.Length == 0) errors["title"] = ["The title cannot be empty."];
        else if (trimmed.Length > TaskItem.TitleMaxLength) errors["title"] = [$"The title is {trimmed.Length} characters long; the limit is {TaskItem.TitleMaxLength}."];
        else if (trimmed.Any(char.IsControl)) errors["title"] = ["The title cannot contain control characters such as line breaks or tabs."];
        return trimmed;
    }

    /// <summary>A number cast to the enum (some serializers allow it) is not a priority.</summary>
    private static void ValidatePriority(TaskPriority? priority, Dictionary<string, string[]> errors)
    {
        if (priority is { } p && !Enum.IsDefined(p)) errors["priority"] = ["priority must be low, normal or high."];
    }

    private static string? ValidateDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is null) return null;
        var trimmed = description.Trim();
        if (trimmed.Length > TaskItem.DescriptionMaxLength)
        {
            errors["description"] = [$"The description is {trimmed.Length} characters long; the limit is {TaskItem.DescriptionMaxLength}."];
        }
        else if (trimmed.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors["description"] = ["The description cannot contain control characters other than line breaks and tabs."];
        }
        return trimmed;
    }
}
