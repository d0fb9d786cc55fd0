using System.Text.Json;
using Microsoft.Extensions.AI;

namespace McpStack.Api.Chat;

/// <summary>
/// Follows one turn's updates: forwards each to the stream as it comes (text, tool calls, results, approval requests)
/// and keeps them, so the turn can be stored as the messages it produced. The model's output is untrusted and bounded:
/// the answer stops at <paramref name="maxAnswerLength"/> characters (the cut is said), and a tool call's arguments
/// longer than <paramref name="maxArgumentsLength"/> are replaced, before anything runs or is stored, by a note the
/// <see cref="ToolCallGuard"/> refuses.
/// </summary>
public sealed class TurnRecorder(ITurnOutput stream, int maxAnswerLength = int.MaxValue, int maxArgumentsLength = int.MaxValue)
{
    /// <summary>The calls the user denied in this turn: their result is the refusal, streamed as denied.</summary>
    public IReadOnlySet<string> Denied { get; init; } = new HashSet<string>();

    /// <summary>
    /// The tool-call ids the conversation already has, which this turn's calls must not repeat (<see cref="UniqueId"/>):
    /// but for the calls whose approval this turn answers, which run (or are refused) under the id they were asked
    /// under, the one the page's card has.
    /// </summary>
    public IEnumerable<string> PriorCallIds { init => _seen.UnionWith(value); }

    /// <summary>The argument a tool call carries instead of arguments that were too long.</summary>
    public const string OversizeArguments = "_oversize_arguments";

    private readonly List<ChatResponseUpdate> _updates = [];
    private readonly HashSet<string> _seen = [];
    private readonly Dictionary<string, string> _renamed = [];
    private readonly Dictionary<AIContent, string> _newIds = new(ReferenceEqualityComparer.Instance);
    private int _answerLength;

    public int ToolCalls { get; private set; }

    /// <summary>Whether the answer reached <c>maxAnswerLength</c> and was cut.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Records and streams one update; false once the answer is cut, when the caller stops reading the model.</summary>
    public async Task<bool> OnUpdateAsync(ChatResponseUpdate update, CancellationToken cancellationToken)
    {
        if (Truncated) return false;
        _updates.Add(update);
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    if (text.Text.Length > maxAnswerLength - _answerLength)
                    {
                        text.Text = text.Text[..(maxAnswerLength - _answerLength)];
                        Truncated = true;
                    }
                    _answerLength += text.Text.Length;
                    if (text.Text.Length > 0) await stream.TextDeltaAsync(text.Text, cancellationToken);
                    break;
                case FunctionCallContent { InformationalOnly: false } call:
                    ToolCalls++;
                    BoundArguments(call);
                    await stream.ToolInputAsync(UniqueId(call, call.CallId), call.Name, call.Arguments, cancellationToken);
                    break;
                case FunctionResultContent result when Denied.Contains(result.CallId):
                    await stream.ToolDeniedAsync(IdOf(result), cancellationToken);
                    break;
                case FunctionResultContent result:
                    var (output, error) = ToolOutcome.Of(result);
                    if (error is null) await stream.ToolOutputAsync(IdOf(result), output, cancellationToken);
                    else await stream.ToolErrorAsync(IdOf(result), error, cancellationToken);
                    break;
                case ToolApprovalRequestContent approval when approval.ToolCall is FunctionCallContent call:
                    BoundArguments(call);
                    var id = UniqueId(approval, call.CallId);
                    await stream.ToolInputAsync(id, call.Name, call.Arguments, cancellationToken);
                    await stream.ToolApprovalRequestAsync(approval.RequestId, id, cancellationToken);
                    break;
            }
        }
        if (!Truncated) return true;
        var notice = $"\n\n[The answer was cut off here: it reached the limit of {maxAnswerLength} characters.]";
        _updates.Add(new ChatResponseUpdate(ChatRole.Assistant, notice) { MessageId = update.MessageId });
        await stream.TextDeltaAsync(notice, cancellationToken);
        return false;
    }

    private void BoundArguments(FunctionCallContent call)
    {
        var length = call.Arguments is null ? 0 : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions).Length;
        if (length > maxArgumentsLength)
        {
            call.Arguments = new Dictionary<string, object?> { [OversizeArguments] = $"{length} characters, over the limit of {maxArgumentsLength}" };
        }
    }

    /// <summary>
    /// What the turn produced, coalesced into messages (assistant tool calls, tool results, the answer), with the call
    /// ids the page was sent.
    /// </summary>
    public ChatResponse ToResponse()
    {
        var response = _updates.ToChatResponse();
        foreach (var message in response.Messages)
        {
            for (var i = 0; i < message.Contents.Count; i++)
            {
                if (!_newIds.TryGetValue(message.Contents[i], out var id)) continue;
                message.Contents[i] = message.Contents[i] switch
                {
                    FunctionCallContent call => new FunctionCallContent(id, call.Name, call.Arguments),
                    ToolApprovalRequestContent { ToolCall: FunctionCallContent call } request =>
                        new ToolApprovalRequestContent(request.RequestId, new FunctionCallContent(id, call.Name, call.Arguments)),
                    FunctionResultContent result => new FunctionResultContent(id, result.Result) { Exception = result.Exception },
                    var other => other,
                };
            }
        }
        // An exception is not stored with a result; store the failure in the shape of an MCP error result instead,
        // so the page and the model still see it as a failed call after a reload.
        foreach (var result in response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Where(r => r.Exception is not null))
        {
            result.Result = ToolOutcome.Error(ToolOutcome.Failed);
        }
        return response;
    }

    /// <summary>
    /// The id a call goes by, on the page and in the store. Some OpenAI-compatible servers number tool calls per message
    /// (call_0, call_0, …): streamed that way, the page took a second call for the first and drew one card for both;
    /// stored that way, a later approval matched the wrong call (Microsoft.Extensions.AI took the deletion for one
    /// already run). A repeated id gets a suffix, from the moment it is streamed, on the call and on its result or
    /// approval request; the approval id the page holds stays as is.
    /// </summary>
    private string UniqueId(AIContent call, string id)
    {
        if (_seen.Add(id))
        {
            _renamed.Remove(id); // a first use: a result with this id belongs to this call, not to an earlier renamed one
            return id;
        }
        var n = 2;
        while (_seen.Contains($"{id}~{n}")) n++;
        var unique = $"{id}~{n}";
        _seen.Add(unique);
        _renamed[id] = unique;
        _newIds[call] = unique;
        return unique;
    }

    /// <summary>The id of the call a result answers, as <see cref="UniqueId"/> named it.</summary>
    private string IdOf(FunctionResultContent result)
    {
        if (!_renamed.Remove(result.CallId, out var unique)) return result.CallId;
        _newIds[result] = unique;
        return unique;
    }

    /// <summary>The tool-call ids in <paramref name="messages"/>.</summary>
    public static IEnumerable<string> CallIdsOf(IEnumerable<ChatMessage> messages) =>
        messages.SelectMany(m => m.Contents).Select(content => content switch
        {
            FunctionCallContent call => call.CallId,
            ToolApprovalRequestContent { ToolCall: FunctionCallContent call } => call.CallId,
            _ => null,
        }).OfType<string>();
}

/// <summary>Reads a tool result, whether an MCP <c>CallToolResult</c> (as JSON) or an exception, as output or error text.</summary>
public static class ToolOutcome
{
    public const string Failed = "The tool could not be reached or failed.";

    /// <summary>A failed call in the shape of an MCP error result, as the page and the model read tool results.</summary>
    public static JsonElement Error(string text) =>
        JsonSerializer.SerializeToElement(new { isError = true, content = new[] { new { type = "text", text } } });

    public static (object? Output, string? Error) Of(FunctionResultContent result)
    {
        if (result.Exception is not null) return (null, Failed);
        if (result.Result is JsonElement { ValueKind: JsonValueKind.Object } json)
        {
            var text = json.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
                ? string.Join("\n", content.EnumerateArray().Where(c => c.TryGetProperty("text", out _)).Select(c => c.GetProperty("text").GetString()))
                : null;
            if (json.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
            {
                return (null, string.IsNullOrEmpty(text) ? Failed : text);
            }
            if (json.TryGetProperty("structuredContent", out var structured) && structured.ValueKind != JsonValueKind.Null)
            {
                return (structured, null);
            }
            return (text ?? (object)json, null);
        }
        return (result.Result, null);
    }
}
