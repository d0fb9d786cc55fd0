using McpStack.Api.Conversations;

namespace McpStack.Api.Chat;

/// <summary>
/// Where a turn goes as it happens: the UI message stream (<see cref="UiMessageStreamWriter"/>, for the page), or one
/// JSON document at its end (<see cref="TurnJsonWriter"/>, for api users who ask with <c>Accept: application/json</c>).
/// </summary>
public interface ITurnOutput
{
    bool Started { get; }

    Task StartAsync(Guid messageId, TurnIds ids, CancellationToken cancellationToken);

    Task TextDeltaAsync(string delta, CancellationToken cancellationToken);

    Task ToolInputAsync(string toolCallId, string toolName, IDictionary<string, object?>? input, CancellationToken cancellationToken);

    Task ToolOutputAsync(string toolCallId, object? output, CancellationToken cancellationToken);

    Task ToolErrorAsync(string toolCallId, string errorText, CancellationToken cancellationToken);

    Task ToolApprovalRequestAsync(string approvalId, string toolCallId, CancellationToken cancellationToken);

    /// <summary>The user denied the call: it did not run.</summary>
    Task ToolDeniedAsync(string toolCallId, CancellationToken cancellationToken);

    Task ErrorAsync(string errorText, CancellationToken cancellationToken);

    Task FinishAsync(TurnSummary summary, CancellationToken cancellationToken);

    /// <summary>The output the request asks for: JSON only when it accepts JSON and not the event stream.</summary>
    public static ITurnOutput For(HttpContext http)
    {
        var accept = http.Request.GetTypedHeaders().Accept;
        var json = accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                   && !accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
        return json ? new TurnJsonWriter(http.Response) : new UiMessageStreamWriter(http.Response);
    }
}

/// <summary>The ids a page needs to continue the conversation, sent as the turn starts.</summary>
public sealed record TurnIds(Guid ConversationId, Guid UserMessageId);

/// <summary>How the turn ended: the stored answer's id and tokens, or <see cref="Error"/>.</summary>
public sealed record TurnSummary(Guid ConversationId, Guid UserMessageId, Guid? AssistantMessageId = null, int? ToolCalls = null,
    int? InputTokens = null, int? OutputTokens = null, bool? Error = null);

/// <summary>A whole turn as one document: <c>POST /api/chat</c> with <c>Accept: application/json</c>.</summary>
/// <param name="Response">The assistant's answer (empty when the turn failed or waits for an approval).</param>
/// <param name="ToolCalls">Each tool call with its arguments and outcome; an approval request carries its <c>approval.id</c>.</param>
/// <param name="Error">Why the turn failed, when it did (the stored error message).</param>
public sealed record ChatTurnResult(Guid ConversationId, Guid UserMessageId, Guid? AssistantMessageId, string Response,
    IReadOnlyList<ToolCallView> ToolCalls, int? InputTokens, int? OutputTokens, string? Error);

/// <summary>Collects the turn and answers it as one <see cref="ChatTurnResult"/> at its end.</summary>
public sealed class TurnJsonWriter(HttpResponse response) : ITurnOutput
{
    private readonly System.Text.StringBuilder _text = new();
    private readonly List<ToolCallView> _calls = [];
    private string? _error;

    public bool Started { get; private set; }

    public Task StartAsync(Guid messageId, TurnIds ids, CancellationToken cancellationToken)
    {
        Started = true;
        return Task.CompletedTask;
    }

    public Task TextDeltaAsync(string delta, CancellationToken cancellationToken)
    {
        _text.Append(delta);
        return Task.CompletedTask;
    }

    public Task ToolInputAsync(string toolCallId, string toolName, IDictionary<string, object?>? input, CancellationToken cancellationToken)
    {
        if (_calls.All(c => c.ToolCallId != toolCallId)) _calls.Add(new ToolCallView(toolCallId, toolName, input, ToolCallState.InputAvailable, null, null, null));
        return Task.CompletedTask;
    }

    public Task ToolOutputAsync(string toolCallId, object? output, CancellationToken cancellationToken) =>
        Update(toolCallId, c => c with { State = ToolCallState.OutputAvailable, Output = output });

    public Task ToolErrorAsync(string toolCallId, string errorText, CancellationToken cancellationToken) =>
        Update(toolCallId, c => c with { State = ToolCallState.OutputError, ErrorText = errorText });

    public Task ToolApprovalRequestAsync(string approvalId, string toolCallId, CancellationToken cancellationToken) =>
        Update(toolCallId, c => c with { State = ToolCallState.ApprovalRequested, Approval = new ToolApprovalView(approvalId, null, null) });

    public Task ToolDeniedAsync(string toolCallId, CancellationToken cancellationToken) =>
        Update(toolCallId, c => c with { State = ToolCallState.OutputDenied });

    public Task ErrorAsync(string errorText, CancellationToken cancellationToken)
    {
        _error = errorText;
        return Task.CompletedTask;
    }

    public Task FinishAsync(TurnSummary summary, CancellationToken cancellationToken) =>
        response.WriteAsJsonAsync(new ChatTurnResult(summary.ConversationId, summary.UserMessageId, summary.AssistantMessageId, _text.ToString(),
            _calls, summary.InputTokens, summary.OutputTokens, _error), cancellationToken);

    private Task Update(string toolCallId, Func<ToolCallView, ToolCallView> change)
    {
        var index = _calls.FindIndex(c => c.ToolCallId == toolCallId);
        if (index >= 0) _calls[index] = change(_calls[index]);
        return Task.CompletedTask;
    }
}
