using System.ComponentModel;
using System.Globalization;
using System.Text;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using McpStack.Mcp.Resources;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Prompts;

/// <summary>
/// Prompts a person picks from a host's slash menu (Claude's, VS Code's, McpStack's own chat): each reads the signed-in
/// user's tasks through the same per-user data layer as the tools, and asks the model for a plan in the user's words.
/// </summary>
[McpServerPromptType]
public sealed class TaskPrompts(TaskService tasks, TimeProvider time)
{
    internal static readonly string[] Priorities = ["high", "normal", "low"];

    [McpServerPrompt(Name = "plan_my_day", Title = "Plan my day")]
    [Description("A plan for today: the pending tasks that are overdue or due in the next 24 hours, most important first, and what to do first.")]
    public async Task<ChatMessage> PlanMyDay(
        [Description("Optional: what the day should favour (e.g. \"deep work in the morning\").")] string? focus = null,
        CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = (await PendingAsync(cancellationToken)).Where(t => t.DueAt is { } at && at <= now.AddHours(24)).ToList();
        var text = new StringBuilder("Plan my day. These are my pending tasks that are overdue or due in the next 24 hours, most important first:\n");
        Append(text, due, now, "(none: nothing is due; suggest what to get ahead on instead)");
        text.Append("\nSuggest an order to do them in, what to do first, and anything to move to another day.");
        if (!string.IsNullOrWhiteSpace(focus)) text.Append(CultureInfo.InvariantCulture, $" Favour this: {focus.Trim()}.");
        return new ChatMessage(ChatRole.User, text.ToString());
    }

    [McpServerPrompt(Name = "weekly_review", Title = "Weekly review")]
    [Description("A review of the week: what was completed in the last 7 days, what is still pending, and what is overdue.")]
    public async Task<ChatMessage> WeeklyReview(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var done = (await AllAsync(TaskStatusFilter.Completed, cancellationToken)).Where(t => t.UpdatedAt >= now.AddDays(-7)).ToList();
        var pending = await PendingAsync(cancellationToken);
        var text = new StringBuilder("Review my week. Completed in the last 7 days:\n");
        Append(text, done, now, "(nothing)");
        text.Append("Still pending, most important first:\n");
        Append(text, pending, now, "(nothing)");
        text.Append("\nSay what went well, what is slipping (overdue first), and the three things to do next week.");
        return new ChatMessage(ChatRole.User, text.ToString());
    }

    [McpServerPrompt(Name = "triage_overdue", Title = "Triage overdue tasks")]
    [Description("Goes through the overdue pending tasks and proposes, for each, to do it today, give it a new due date, or drop it.")]
    public async Task<ChatMessage> TriageOverdue(
        [Description("Optional: only tasks of at least this priority: high, normal or low.")] string? priority = null,
        CancellationToken cancellationToken = default)
    {
        var floor = priority is null ? TaskPriority.Low : Enum.TryParse<TaskPriority>(priority.Trim(), ignoreCase: true, out var p) && Enum.IsDefined(p)
            ? p
            : throw new McpProtocolException($"priority must be one of {string.Join(", ", Priorities)}.", McpErrorCode.InvalidParams);
        var now = time.GetUtcNow().UtcDateTime;
        var overdue = (await PendingAsync(cancellationToken)).Where(t => t.DueAt < now && t.Priority >= floor).ToList();
        var text = new StringBuilder("Triage my overdue tasks. For each, propose one of: do it today, a new due date (say which), or drop it; then ask me to confirm before changing anything.\n");
        Append(text, overdue, now, "(none are overdue)");
        return new ChatMessage(ChatRole.User, text.ToString());
    }

    /// <summary>Pending tasks, most important first: priority, then the earliest due, then the oldest.</summary>
    private async Task<List<TaskDto>> PendingAsync(CancellationToken cancellationToken) =>
        [.. (await AllAsync(TaskStatusFilter.Pending, cancellationToken))
            .OrderByDescending(t => t.Priority).ThenBy(t => t.DueAt ?? DateTime.MaxValue).ThenBy(t => t.CreatedAt)];

    private async Task<List<TaskDto>> AllAsync(TaskStatusFilter status, CancellationToken cancellationToken)
    {
        var all = new List<TaskDto>();
        TaskPage page;
        do
        {
            page = await tasks.ListAsync(status, TaskService.MaxPageSize, all.Count, cancellationToken);
            all.AddRange(page.Items);
        }
        while (page.HasMore);
        return all;
    }

    private static void Append(StringBuilder text, List<TaskDto> items, DateTime now, string none)
    {
        if (items.Count == 0) text.Append(CultureInfo.InvariantCulture, $"- {none}\n");
        foreach (var t in items)
        {
            var due = t.DueAt is not { } at ? "" : at < now ? $", overdue since {at:yyyy-MM-dd HH:mm} UTC" : $", due {at:yyyy-MM-dd HH:mm} UTC";
            text.Append(CultureInfo.InvariantCulture, $"- {t.Title} ({t.Priority.ToString().ToLowerInvariant()} priority{due}; {TaskResources.UriOf(t.Id)})\n");
        }
    }
}

/// <summary>The values <c>triage_overdue</c>'s priority takes, completed as they are typed.</summary>
public sealed class TaskPromptCompletions : ICompletionSource
{
    public Task<IReadOnlyList<string>?> CompleteAsync(Reference reference, Argument argument, IServiceProvider services, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(reference is PromptReference { Name: "triage_overdue" } && argument.Name == "priority"
            ? [.. TaskPrompts.Priorities.Where(p => p.StartsWith(argument.Value ?? "", StringComparison.OrdinalIgnoreCase))]
            : null);
}
