using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using McpStack.Api.Conversations;
using McpStack.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Chat;

/// <summary>
/// The answer being written, as far as it has got: the message's id, the user's message it answers, and its parts as
/// the page shows them. Stored on the conversation (<c>TurnProgress</c>) while the turn runs.
/// </summary>
public sealed record TurnSnapshot(Guid MessageId, Guid UserMessageId, IReadOnlyList<MessagePartView> Parts);

/// <summary>
/// Passes a turn to the page that asked for it (the <paramref name="inner"/> output) while keeping what it has written
/// so far (<see cref="Snapshot"/>), which <see cref="TurnProgressStore"/> shares with pages that open the conversation
/// meanwhile. The turn does not depend on its page: once that page is gone (reloaded, closed, another conversation
/// opened) nothing more is sent to it, and the turn goes on to its end.
/// </summary>
public sealed class TurnProgressOutput(ITurnOutput inner) : ITurnOutput
{
    private readonly Lock _lock = new();
    // A text part grows by a word at a time: a builder, not a string made again for each word (at a thousand open turns
    // that copying was a quarter of what the api allocated).
    private readonly List<object> _parts = []; // StringBuilder (text) or ToolCallView
    private Guid _messageId, _userMessageId;
    private int _version;

    public bool Started => inner.Started;

    /// <summary>Whether the page that asked has gone: nothing is sent to it any more.</summary>
    public bool Detached { get; private set; }

    /// <summary>A number that changes with every change of the answer, and the answer so far (null before the turn starts).</summary>
    public (int Version, TurnSnapshot? Snapshot) Snapshot()
    {
        lock (_lock)
        {
            if (_messageId == Guid.Empty) return (_version, null);
            var parts = _parts.Select(p => p is StringBuilder text
                ? new MessagePartView(MessagePartKind.Text, text.ToString())
                : new MessagePartView(MessagePartKind.Tool, null, (ToolCallView)p)).ToList();
            return (_version, new TurnSnapshot(_messageId, _userMessageId, parts));
        }
    }

    public Task StartAsync(Guid messageId, TurnIds ids, CancellationToken cancellationToken)
    {
        Change(() => (_messageId, _userMessageId) = (messageId, ids.UserMessageId));
        return SendAsync(() => inner.StartAsync(messageId, ids, cancellationToken));
    }

    public Task TextDeltaAsync(string delta, CancellationToken cancellationToken)
    {
        Change(() =>
        {
            if (_parts.Count > 0 && _parts[^1] is StringBuilder text) text.Append(delta);
            else _parts.Add(new StringBuilder(delta));
        });
        return SendAsync(() => inner.TextDeltaAsync(delta, cancellationToken));
    }

    public Task ToolInputAsync(string toolCallId, string toolName, IDictionary<string, object?>? input, CancellationToken cancellationToken)
    {
        Change(() =>
        {
            var index = IndexOf(toolCallId);
            var call = new ToolCallView(toolCallId, toolName, input, ToolCallState.InputAvailable, null, null, null);
            if (index < 0) _parts.Add(call);
            else _parts[index] = call with { Approval = ((ToolCallView)_parts[index]).Approval };
        });
        return SendAsync(() => inner.ToolInputAsync(toolCallId, toolName, input, cancellationToken));
    }

    public Task ToolOutputAsync(string toolCallId, object? output, CancellationToken cancellationToken)
    {
        Update(toolCallId, c => c with { State = ToolCallState.OutputAvailable, Output = output });
        return SendAsync(() => inner.ToolOutputAsync(toolCallId, output, cancellationToken));
    }

    public Task ToolErrorAsync(string toolCallId, string errorText, CancellationToken cancellationToken)
    {
        Update(toolCallId, c => c with { State = ToolCallState.OutputError, ErrorText = errorText });
        return SendAsync(() => inner.ToolErrorAsync(toolCallId, errorText, cancellationToken));
    }

    public Task ToolApprovalRequestAsync(string approvalId, string toolCallId, CancellationToken cancellationToken)
    {
        Update(toolCallId, c => c with { State = ToolCallState.ApprovalRequested, Approval = new ToolApprovalView(approvalId, null, null) });
        return SendAsync(() => inner.ToolApprovalRequestAsync(approvalId, toolCallId, cancellationToken));
    }

    public Task ToolDeniedAsync(string toolCallId, CancellationToken cancellationToken)
    {
        Update(toolCallId, c => c with { State = ToolCallState.OutputDenied });
        return SendAsync(() => inner.ToolDeniedAsync(toolCallId, cancellationToken));
    }

    public Task ErrorAsync(string errorText, CancellationToken cancellationToken) => SendAsync(() => inner.ErrorAsync(errorText, cancellationToken));

    public Task FinishAsync(TurnSummary summary, CancellationToken cancellationToken) => SendAsync(() => inner.FinishAsync(summary, cancellationToken));

    private void Change(Action change)
    {
        lock (_lock)
        {
            change();
            _version++;
        }
    }

    private void Update(string toolCallId, Func<ToolCallView, ToolCallView> change) => Change(() =>
    {
        var index = IndexOf(toolCallId);
        if (index >= 0) _parts[index] = change((ToolCallView)_parts[index]);
    });

    private int IndexOf(string toolCallId) => _parts.FindIndex(p => p is ToolCallView call && call.ToolCallId == toolCallId);

    private async Task SendAsync(Func<Task> send)
    {
        if (Detached) return;
        try
        {
            await send();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Detached = true; // the page went away: the turn goes on without it
        }
    }
}

/// <summary>The turns running in this process, so a stop asked here takes effect at once (other replicas hear it through the database).</summary>
public sealed class RunningTurns
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _turns = new();

    public IDisposable Add(Guid conversationId, CancellationTokenSource stop)
    {
        _turns[conversationId] = stop;
        return new Registration(() => _turns.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(conversationId, stop)));
    }

    public void Stop(Guid conversationId)
    {
        if (!_turns.TryGetValue(conversationId, out var stop)) return;
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the turn ended meanwhile
        }
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}

/// <summary>What the database says of a conversation's turn.</summary>
/// <param name="Running">A turn holds the conversation and is alive (its heartbeat is recent).</param>
/// <param name="Interrupted">A turn holds it but went silent: the replica answering it died.</param>
public sealed record TurnState(bool Running, bool Interrupted, TurnSnapshot? Snapshot);

/// <summary>
/// Shares the turn being answered through the database the replicas already share, so that a page opened during it on
/// any replica sees the answer continue (<c>GET /api/conversations/{id}/stream</c>) and can stop it:
/// <list type="bullet">
/// <item>the replica's <see cref="TurnProgressWriter"/> writes each running turn's progress every
/// <see cref="ChatModelOptions.ProgressInterval"/> (a heartbeat also when nothing changed), and reads there whether it
/// was asked to stop;</item>
/// <item>a reader polls it every <see cref="ChatModelOptions.ProgressPollInterval"/> and streams what changed, in the
/// AI SDK's UI message stream protocol, as the turn's own page got it;</item>
/// <item>a turn silent for <see cref="ChatModelOptions.ProgressStaleAfter"/> is taken for dead: the conversation says it
/// was interrupted, and the next message may take it over.</item>
/// </list>
/// The writes carry the turn's lease (<c>TurnLeaseUntil</c>): a turn taken over as dead that was alive after all
/// finds its lease gone and stops without storing anything.
/// </summary>
public sealed class TurnProgressStore(IOptions<ChatModelOptions> options, TimeProvider time)
{
    /// <summary>How a <see cref="TurnSnapshot"/> is stored (<see cref="TurnProgressWriter"/> writes it).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ChatModelOptions _options = options.Value;
    private readonly TimeProvider _time = time;

    /// <summary>The conversation's turn, or null when it is not the user's (the context acts for the user).</summary>
    public async Task<TurnState?> ReadAsync(AppDbContext db, Guid conversationId, CancellationToken cancellationToken)
    {
        var row = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
            .Select(c => new { c.TurnLeaseUntil, c.TurnProgressAt, c.TurnProgress })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : StateOf(row.TurnLeaseUntil, row.TurnProgressAt, row.TurnProgress);
    }

    /// <summary>A turn's state from its conversation's columns.</summary>
    public TurnState StateOf(DateTime? leaseUntil, DateTime? progressAt, string? progress)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var held = leaseUntil > now;
        var silent = progressAt < now - _options.ProgressStaleAfter;
        return new TurnState(held && !silent, held && silent, progress is null ? null : JsonSerializer.Deserialize<TurnSnapshot>(progress, Json));
    }

    /// <summary>Asks the conversation's turn to stop, wherever it runs. False when the conversation is not the user's.</summary>
    public async Task<bool> RequestStopAsync(AppDbContext db, RunningTurns running, Guid conversationId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        // The context acts for the user: another user's conversation matches nothing, here or in the registry below.
        var asked = await db.Conversations.Where(c => c.Id == conversationId && c.TurnLeaseUntil != null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnStopRequestedAt, now), cancellationToken);
        if (asked == 1) running.Stop(conversationId);
        return asked == 1 || await db.Conversations.AnyAsync(c => c.Id == conversationId, cancellationToken);
    }

    /// <summary>
    /// Streams the turn running in a conversation to a page that opened it meanwhile: what it has written so far, then
    /// each change as it comes, then the end (the page then reads the stored conversation). False, with nothing sent,
    /// when no turn is running.
    /// </summary>
    public async Task<bool> StreamAsync(AppDbContext db, Guid conversationId, UiMessageStreamWriter writer, CancellationToken cancellationToken)
    {
        TurnSnapshot? sent = null;
        try
        {
            while (true)
            {
                var state = await ReadAsync(db, conversationId, cancellationToken);
                if (state is null || !state.Running)
                {
                    if (state is { Interrupted: true } && sent is not null) await writer.ErrorAsync(ConversationStore.InterruptedTurn, cancellationToken);
                    break;
                }
                if (state.Snapshot is { } snapshot)
                {
                    if (sent is not null && sent.MessageId != snapshot.MessageId) break; // a later turn began: this one is over
                    if (sent is null) await writer.StartAsync(snapshot.MessageId, new TurnIds(conversationId, snapshot.UserMessageId), cancellationToken);
                    await SendChangesAsync(writer, sent?.Parts ?? [], snapshot.Parts, cancellationToken);
                    sent = snapshot;
                }
                await Task.Delay(_options.ProgressPollInterval, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return sent is not null; // the page went away
        }
        if (sent is null) return false;
        await writer.FinishAsync(new TurnSummary(conversationId, sent.UserMessageId), cancellationToken);
        return true;
    }

    /// <summary>What changed between two snapshots of an answer, as the stream's parts: new text, new calls, new states.</summary>
    private static async Task SendChangesAsync(UiMessageStreamWriter writer, IReadOnlyList<MessagePartView> before, IReadOnlyList<MessagePartView> now, CancellationToken cancellationToken)
    {
        for (var i = 0; i < now.Count; i++)
        {
            var was = i < before.Count ? before[i] : null;
            if (now[i].ToolCall is { } call)
            {
                var previous = was?.ToolCall;
                if (previous is null) await writer.ToolInputAsync(call.ToolCallId, call.ToolName, call.Input, cancellationToken);
                if (previous?.State == call.State) continue;
                switch (call.State)
                {
                    case ToolCallState.OutputAvailable:
                        await writer.ToolOutputAsync(call.ToolCallId, call.Output, cancellationToken);
                        break;
                    case ToolCallState.OutputError:
                        await writer.ToolErrorAsync(call.ToolCallId, call.ErrorText ?? ToolOutcome.Failed, cancellationToken);
                        break;
                    case ToolCallState.ApprovalRequested when call.Approval is { } approval:
                        await writer.ToolApprovalRequestAsync(approval.Id, call.ToolCallId, cancellationToken);
                        break;
                    case ToolCallState.OutputDenied:
                        await writer.ToolDeniedAsync(call.ToolCallId, cancellationToken);
                        break;
                }
            }
            else if (now[i].Text is { } text)
            {
                var known = was?.Text ?? "";
                if (text.Length > known.Length) await writer.TextDeltaAsync(text[known.Length..], cancellationToken);
            }
        }
    }
}
