using McpStack.Api.Chat;
using McpStack.Data.Entities;
using Microsoft.Extensions.AI;

namespace McpStack.Api.Conversations;

/// <summary>
/// A stored conversation as the page shows it, live or reloaded: the AI SDK's UI messages, parts in the order they
/// happened. Rows are stored as the model needs them; this reads them the way a person saw the turn:
/// <list type="bullet">
/// <item>An answer to an approval request is part of the tool call it answers (approved, or denied with its reason),
/// not a message of its own; the turn it continues goes on in the same assistant message, as it does live (the stream
/// of such a turn starts with that message's id).</item>
/// <item>A tool call is one card whose state ends where the call ended: done, failed, denied, or, cut off before its
/// result (the turn stopped, failed or was interrupted), failed with a message that says so.</item>
/// </list>
/// </summary>
public static class ConversationView
{
    /// <summary>What a call left without a result says once its turn is over (stopped, failed or interrupted).</summary>
    public const string EndedWithoutResult = "The answer ended before this call's result came back.";

    /// <param name="rows">The conversation's messages, oldest first.</param>
    /// <param name="turnRunning">Whether a turn is being answered now (its approved calls may still be running).</param>
    public static List<MessageView> Of(IEnumerable<Message> rows, bool turnRunning)
    {
        var items = new List<object>(); // MessageView or AssistantGroup, in order
        var groups = new List<AssistantGroup>();
        AssistantGroup? open = null;
        foreach (var row in rows)
        {
            switch (row.Role)
            {
                case MessageRoles.User:
                    foreach (var answer in ConversationStore.ToChatMessages(row).SelectMany(m => m.Contents).OfType<ToolApprovalResponseContent>())
                    {
                        // The latest request with the id: some servers reuse call ids, and approval ids with them.
                        groups.LastOrDefault(g => g.Approvals.ContainsKey(answer.RequestId))?.Answer(answer);
                    }
                    // Only answers: the turn they start continues the assistant message they answer.
                    if (row.Content.Length == 0 && open is not null) break;
                    open = null;
                    items.Add(new MessageView(row.Id, row.Role, row.Content, [new MessagePartView(MessagePartKind.Text, row.Content)], row.CreatedAt, null, null));
                    break;
                case MessageRoles.Assistant:
                    if (open is null)
                    {
                        open = new AssistantGroup(row);
                        groups.Add(open);
                        items.Add(open);
                    }
                    open.Add(row);
                    break;
                default:
                    open = null;
                    items.Add(new MessageView(row.Id, row.Role, row.Content, [new MessagePartView(MessagePartKind.Text, row.Content)], row.CreatedAt, null, null));
                    break;
            }
        }
        var running = turnRunning ? groups.LastOrDefault() : null;
        return [.. items.Select(item => item is AssistantGroup group ? group.ToView(stillRunning: group == running && items[^1] == group) : (MessageView)item)];
    }

    /// <summary>One assistant message as the page shows it: the rows of a turn and of the turns that answered its approvals.</summary>
    private sealed class AssistantGroup(Message first)
    {
        private readonly List<object> _parts = []; // string (text) or Card, in order
        private readonly Dictionary<string, Card> _calls = [];
        private int? _inputTokens, _outputTokens;

        public Dictionary<string, Card> Approvals { get; } = [];

        public void Add(Message row)
        {
            _inputTokens = Sum(_inputTokens, row.InputTokens);
            _outputTokens = Sum(_outputTokens, row.OutputTokens);
            if (row.ToolCalls is null)
            {
                AddText(row.Content);
                return;
            }
            foreach (var content in ConversationStore.ToChatMessages(row).SelectMany(m => m.Contents))
            {
                switch (content)
                {
                    case TextContent text:
                        AddText(text.Text);
                        break;
                    case FunctionCallContent call:
                        CardFor(call);
                        break;
                    case ToolApprovalRequestContent { ToolCall: FunctionCallContent call } request:
                        var card = CardFor(call);
                        card.State = ToolCallState.ApprovalRequested;
                        card.Approval = new ToolApprovalView(request.RequestId, null, null);
                        Approvals[request.RequestId] = card;
                        break;
                    case FunctionResultContent result when _calls.TryGetValue(result.CallId, out var called):
                        // A denied call's result is the refusal the model was told: the card stays denied.
                        if (called.State == ToolCallState.OutputDenied) break;
                        (called.Output, called.ErrorText) = ToolOutcome.Of(result);
                        called.State = called.ErrorText is null ? ToolCallState.OutputAvailable : ToolCallState.OutputError;
                        break;
                }
            }
        }

        public void Answer(ToolApprovalResponseContent answer)
        {
            var card = Approvals[answer.RequestId];
            card.Approval = new ToolApprovalView(answer.RequestId, answer.Approved, answer.Reason);
            if (card.State == ToolCallState.ApprovalRequested)
            {
                card.State = answer.Approved ? ToolCallState.ApprovalResponded : ToolCallState.OutputDenied;
            }
        }

        public MessageView ToView(bool stillRunning)
        {
            var parts = new List<MessagePartView>();
            foreach (var part in _parts)
            {
                if (part is string text) parts.Add(new MessagePartView(MessagePartKind.Text, text));
                else parts.Add(new MessagePartView(MessagePartKind.Tool, null, ((Card)part).ToView(stillRunning)));
            }
            var content = string.Concat(_parts.OfType<string>());
            return new MessageView(first.Id, MessageRoles.Assistant, content, parts, first.CreatedAt, _inputTokens, _outputTokens);
        }

        private void AddText(string text)
        {
            if (text.Length == 0) return;
            // Consecutive text is one part, as the stream's text deltas are; the rows of a continued turn are separate.
            if (_parts.Count > 0 && _parts[^1] is string previous) _parts[^1] = previous + text;
            else _parts.Add(text);
        }

        /// <summary>
        /// The card of a call: the one with its id, else a new one. Call ids are unique in a conversation (TurnRecorder
        /// renames a repeated one) but for the call an approval answered, which the next turn runs (or refuses) under
        /// the id it was asked under.
        /// </summary>
        private Card CardFor(FunctionCallContent call)
        {
            if (_calls.TryGetValue(call.CallId, out var card)) return card;
            card = new Card(call.CallId, call.Name, call.Arguments);
            _calls[call.CallId] = card;
            _parts.Add(card);
            return card;
        }

        private static int? Sum(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
    }

    private sealed class Card(string callId, string name, IDictionary<string, object?>? input)
    {
        public ToolCallState State { get; set; } = ToolCallState.InputAvailable;
        public object? Output { get; set; }
        public string? ErrorText { get; set; }
        public ToolApprovalView? Approval { get; set; }

        public ToolCallView ToView(bool stillRunning) => State is ToolCallState.InputAvailable or ToolCallState.ApprovalResponded && !stillRunning
            ? new ToolCallView(callId, name, input, ToolCallState.OutputError, null, EndedWithoutResult, Approval)
            : new ToolCallView(callId, name, input, State, Output, ErrorText, Approval);
    }
}
