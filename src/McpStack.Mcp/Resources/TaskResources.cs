using System.ComponentModel;
using System.Text.Json;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using McpStack.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Resources;

/// <summary>
/// The signed-in user's tasks as resources a client can attach as context: <c>task://{id}</c> (a template whose id
/// completes from the user's tasks as it is typed), and one listed resource per task. Every read goes through the same
/// per-user data layer as the tools: another user's task id is not found, as an unknown one is.
/// </summary>
[McpServerResourceType]
public sealed class TaskResources : IResourceListing, ICompletionSource
{
    public const string Scheme = "task";
    private const string Template = $"{Scheme}://{{id}}";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    [McpServerResource(UriTemplate = Template, Name = "task", Title = "A task", MimeType = "application/json")]
    [Description("One of the signed-in user's tasks as JSON: title, details, due date, priority, whether it is done. The id is a task's id from list_tasks.")]
    public static async Task<ResourceContents> ReadTask(string id, TaskService tasks, McpServer server, CancellationToken cancellationToken)
    {
        var uri = $"{Scheme}://{id}";
        TaskItem task;
        try
        {
            task = await tasks.GetAsync(EntityIds.Parse(id, "task"), cancellationToken);
        }
        catch (DomainException e) when (e is NotFoundException or InputValidationException)
        {
            throw ResourceListings.NotFound(server, $"No task at {uri}: it does not exist, or it is not yours.");
        }
        catch (Exception e) when (DomainExceptionHandler.IsDatabaseUnavailable(e))
        {
            throw new McpException("The database is not reachable right now. Try again in a moment.", e);
        }
        return new TextResourceContents { Uri = UriOf(task.Id), MimeType = "application/json", Text = JsonSerializer.Serialize(TaskDto.From(task), Json) };
    }

    /// <summary>Up to a page of tasks, pending first (what a person attaches most), each with what it is about.</summary>
    public async Task<IEnumerable<Resource>> ListAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var tasks = services.GetRequiredService<TaskService>();
        var pending = await tasks.ListAsync(TaskStatusFilter.Pending, TaskService.MaxPageSize, 0, cancellationToken);
        var items = pending.Items.ToList();
        if (items.Count < TaskService.MaxPageSize)
        {
            items.AddRange((await tasks.ListAsync(TaskStatusFilter.Completed, TaskService.MaxPageSize - items.Count, 0, cancellationToken)).Items);
        }
        return items.Select(t => new Resource
        {
            Uri = UriOf(t.Id),
            Name = t.Title,
            Title = t.Title,
            MimeType = "application/json",
            Description = t.Completed ? "Done." : $"Pending, {t.Priority.ToString().ToLowerInvariant()} priority{(t.DueAt is { } due ? $", due {due:yyyy-MM-dd HH:mm} UTC" : "")}.",
        });
    }

    /// <summary>Task ids for <c>task://{id}</c>: those whose id starts with what was typed, or whose title contains it.</summary>
    public async Task<IReadOnlyList<string>?> CompleteAsync(Reference reference, Argument argument, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (reference is not ResourceTemplateReference { Uri: Template } || argument.Name != "id") return null;
        var typed = argument.Value ?? "";
        var tasks = services.GetRequiredService<TaskService>();
        var page = await tasks.ListAsync(TaskStatusFilter.All, TaskService.MaxPageSize, 0, cancellationToken);
        return [.. page.Items
            .Where(t => t.Id.ToString().StartsWith(typed, StringComparison.OrdinalIgnoreCase) || t.Title.Contains(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.Completed)
            .Select(t => t.Id.ToString())];
    }

    public static string UriOf(Guid taskId) => $"{Scheme}://{taskId}";
}
