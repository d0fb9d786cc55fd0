using System.Globalization;
using System.Text;
using System.Text.Json;
using McpStack.Api.Delegation;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpStack.Api.Chat;

/// <summary>
/// The chat without a model: <c>/add</c>, <c>/list</c>, <c>/done</c>, <c>/delete</c>, <c>/help</c> call the same MCP
/// tools as the agent (same stream events, same stored turn). Anything else gets a plain answer that free text needs a model.
/// </summary>
public sealed class SlashCommands(McpToolClient tools)
{
    public const string Help = """
        Without a language model, the chat understands these commands:
        /add <title>            add a task
        /list [pending|completed]  list your tasks, numbered
        /done <n|id>            mark task n (as numbered by /list) or the task with that id as done
        /delete <n|id>          delete task n or the task with that id
        /help                   this list
        """;

    public const string NeedsModel =
        "I can only follow slash commands: understanding free text needs a language model. Set OPENAI_API_KEY " +
        "(or another provider: see docs/api-and-chat.md, \"Use a real model\") and restart the api. Type /help for the commands.";

    private int _calls;

    private ToolCallGuard? _guard;

    public async Task RunAsync(string userId, string message, TurnRecorder recorder, ToolCallGuard guard, CancellationToken cancellationToken)
    {
        _guard = guard;
        var text = message.Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var argument = space < 0 ? "" : text[(space + 1)..].Trim();

        var reply = command switch
        {
            "/add" when argument.Length > 0 => await AddAsync(userId, argument, recorder, cancellationToken),
            "/add" => "Usage: /add <title>, e.g. /add Buy milk",
            "/list" when argument is "" or "all" or "pending" or "completed" => await ListAsync(userId, argument, recorder, cancellationToken),
            "/list" => "Usage: /list, /list pending or /list completed",
            "/done" when argument.Length > 0 => await ChangeAsync(userId, "complete_task", argument, "Completed", recorder, cancellationToken),
            "/done" => "Usage: /done <n> (the number /list shows) or /done <id>",
            "/delete" when argument.Length > 0 => await ChangeAsync(userId, "delete_task", argument, "Deleted", recorder, cancellationToken),
            "/delete" => "Usage: /delete <n> (the number /list shows) or /delete <id>",
            "/help" => Help,
            _ when text.StartsWith('/') => $"Unknown command {command}.\n{Help}",
            _ => NeedsModel,
        };
        await recorder.OnUpdateAsync(new ChatResponseUpdate(ChatRole.Assistant, reply), cancellationToken);
    }

    private async Task<string> AddAsync(string userId, string title, TurnRecorder recorder, CancellationToken cancellationToken)
    {
        var result = await CallAsync(userId, "add_task", new() { ["title"] = title }, recorder, cancellationToken);
        return result.IsError == true ? $"Could not add the task: {ErrorText(result)}" : $"Added “{Title(result)}”.";
    }

    private async Task<string> ListAsync(string userId, string status, TurnRecorder recorder, CancellationToken cancellationToken)
    {
        var args = new Dictionary<string, object?> { ["limit"] = 100 };
        if (status.Length > 0) args["status"] = status;
        var result = await CallAsync(userId, "list_tasks", args, recorder, cancellationToken);
        if (result.IsError == true) return $"Could not list the tasks: {ErrorText(result)}";

        var list = result.StructuredContent!.Value;
        var tasks = list.GetProperty("tasks").EnumerateArray().ToList();
        if (tasks.Count == 0) return status.Length > 0 ? $"You have no {status} tasks." : "You have no tasks. Add one with /add <title>.";
        var reply = new StringBuilder();
        for (var i = 0; i < tasks.Count; i++)
        {
            var done = tasks[i].GetProperty("completed").GetBoolean() ? "x" : " ";
            reply.Append(CultureInfo.InvariantCulture, $"{i + 1}. [{done}] {tasks[i].GetProperty("title").GetString()}\n");
        }
        var total = list.GetProperty("total").GetInt32();
        if (total > tasks.Count) reply.Append(CultureInfo.InvariantCulture, $"…and {total - tasks.Count} more.\n");
        return reply.ToString().TrimEnd();
    }

    /// <summary>Completes or deletes the task named by its number in <c>/list</c> or by its id.</summary>
    private async Task<string> ChangeAsync(string userId, string tool, string reference, string verb, TurnRecorder recorder, CancellationToken cancellationToken)
    {
        var id = reference;
        if (int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number < 1) return "Task numbers start at 1: see /list.";
            var page = await CallAsync(userId, "list_tasks", new() { ["limit"] = 1, ["offset"] = number - 1 }, recorder, cancellationToken);
            if (page.IsError == true) return $"Could not find task {number}: {ErrorText(page)}";
            var found = page.StructuredContent!.Value.GetProperty("tasks").EnumerateArray().FirstOrDefault();
            if (found.ValueKind != JsonValueKind.Object) return $"There is no task {number}: see /list.";
            id = found.GetProperty("id").GetString()!;
        }
        var result = await CallAsync(userId, tool, new() { ["id"] = id }, recorder, cancellationToken);
        return result.IsError == true ? $"Could not do that: {ErrorText(result)}" : $"{verb} “{Title(result)}”.";
    }

    private async Task<CallToolResult> CallAsync(string userId, string tool, Dictionary<string, object?> args, TurnRecorder recorder, CancellationToken cancellationToken)
    {
        var callId = $"call_{++_calls}_{Guid.NewGuid():N}"[..24];
        await recorder.OnUpdateAsync(new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent(callId, tool, args)]), cancellationToken);
        var readOnly = (await tools.ListToolsAsync(userId, cancellationToken)).FirstOrDefault(t => t.Name == tool) is { } known && McpToolClient.IsReadOnly(known);
        var result = _guard is not null && await _guard.RefusalAsync(tool, readOnly, args, cancellationToken) is { } refusal
            ? new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = refusal }] }
            : await tools.CallToolAsync(userId, tool, args, cancellationToken);
        var json = JsonSerializer.SerializeToElement(result, McpJsonUtilities.DefaultOptions);
        await recorder.OnUpdateAsync(new ChatResponseUpdate(ChatRole.Tool, [new FunctionResultContent(callId, json)]), cancellationToken);
        return result;
    }

    private static string Title(CallToolResult result) =>
        result.StructuredContent is { } s && s.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "";

    private static string ErrorText(CallToolResult result)
    {
        var text = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
        // A refusal carries the tool's message as is; other failures the SDK prefixes with "An error occurred invoking '<tool>': ".
        var colon = text.IndexOf("': ", StringComparison.Ordinal);
        return colon >= 0 ? text[(colon + 3)..] : text;
    }
}
