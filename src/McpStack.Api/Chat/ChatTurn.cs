using McpStack.Api.Delegation;
using McpStack.Api.Security;
using McpStack.Data;
using McpStack.Data.Entities;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Chat;

public sealed record ChatRequest(Guid? ConversationId = null, string? Message = null, IReadOnlyList<ToolApproval>? Approvals = null);

/// <summary>The user's answer to a <c>tool-approval-request</c>.</summary>
public sealed record ToolApproval(string ApprovalId, bool Approved, string? Reason = null);

/// <summary>
/// One chat turn: stores the user's message, runs the agent (or the slash commands when no model is configured)
/// on the user's behalf, streams it, and stores the answer with its tool calls, or an explicit error message.
/// </summary>
public sealed partial class ChatTurn(
    ConversationStore store,
    ChatAgent agent,
    SlashCommands slashCommands,
    McpToolClient tools,
    WriteBudget writeBudget,
    ICurrentUser currentUser,
    IOptions<ChatModelOptions> options,
    RunningTurns runningTurns,
    TurnProgressWriter turnProgress,
    IHostApplicationLifetime lifetime,
    ChatMetrics metrics,
    TimeProvider time,
    ILogger<ChatTurn> logger)
{
    public async Task RunAsync(HttpContext http, ChatRequest request)
    {
        var userId = currentUser.UserId!;
        var text = request.Message?.Trim() ?? "";
        Validate(text, request.Approvals);

        // Checked before anything streams, so a bad id is a plain 404 problem and a busy conversation a 409.
        var conversation = await store.BeginTurnAsync(request.ConversationId, text, http.RequestAborted);
        try
        {
            await AnswerAsync(http, request, userId, text, conversation);
        }
        finally
        {
            await store.AbandonTurnAsync(conversation); // a no-op once the turn's last message is stored
        }
    }

    private async Task AnswerAsync(HttpContext http, ChatRequest request, string userId, string text, Conversation conversation)
    {
        var (history, continued) = await store.LoadHistoryAsync(conversation, options.Value.HistoryMessages, http.RequestAborted);
        var userTurn = BuildUserTurn(text, request.Approvals, history);
        // Only a turn that answers approval requests needs its contents stored beside the text.
        var userRow = await store.AddUserMessageAsync(conversation, text, userTurn[0].Contents.All(c => c is TextContent) ? null : userTurn);
        // What the turn writes goes to this request's page while it stays, and to the database for any page that opens
        // the conversation meanwhile (TurnProgressStore): a reload does not end the answer; only Stop does.
        var stream = new TurnProgressOutput(ITurnOutput.For(http));
        var answers = userTurn[0].Contents.OfType<ToolApprovalResponseContent>().ToList();
        var recorder = new TurnRecorder(stream, options.Value.MaxAnswerLength, options.Value.MaxToolArgumentsLength)
        {
            Denied = answers.Where(r => !r.Approved).Select(r => r.ToolCall).OfType<FunctionCallContent>().Select(c => c.CallId).ToHashSet(),
            PriorCallIds = TurnRecorder.CallIdsOf(history).Except(answers.Select(r => r.ToolCall).OfType<FunctionCallContent>().Select(c => c.CallId)),
        };
        var guard = new ToolCallGuard(writeBudget, options.Value, userId);
        using var stop = new CancellationTokenSource();
        using var turnTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        turnTimeout.CancelAfter(options.Value.TurnTimeout);
        var cancellationToken = turnTimeout.Token;
        // A turn that only answers approvals goes on in the message that asked them, live as after a reload
        // (ConversationView): the page then updates that message's cards instead of drawing them again in a new one.
        var assistantId = text.Length == 0 && continued is { } asked ? asked : Guid.CreateVersion7();
        var storedId = assistantId == continued ? (Guid?)null : assistantId;
        var started = time.GetTimestamp();
        var outcome = TurnOutcome.Answered;
        using var running = runningTurns.Add(conversation.Id, stop);
        // The page going away does not end the turn; the api shutting down past its drain time (Kestrel then closes
        // the connections left) does, and the answer so far is kept as stopped.
        using var shutdown = http.RequestAborted.Register(() =>
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested) stop.Cancel();
        });
        await using var progress = turnProgress.Follow(conversation.Id, conversation.TurnLeaseUntil!.Value, stream, stop);
        try
        {
            await stream.StartAsync(assistantId, new TurnIds(conversation.Id, userRow.Id), cancellationToken);
            if (agent.IsConfigured)
            {
                var available = await tools.ListToolsAsync(userId, cancellationToken);
                // Destructive tools (delete_task) stop the turn with an approval request; the page answers in the next turn.
                // The approval is the user's answer to the MCP server's own confirmation of the same call. Tools the
                // server keeps for its views (MCP Apps visibility "app" alone) are not the model's.
                IList<AITool> aiTools = [.. available.Where(t => McpToolClient.VisibilityOf(t).Contains("model"))
                    .Select(t => McpToolClient.IsDestructive(t) ? new ApprovalRequiredAIFunction(new ConfirmedTool(guard.Guard(t))) : (AITool)guard.Guard(t))];
                using var _ = McpToolClient.ActAs(userId);
                await foreach (var update in agent.RunAsync([.. history, .. userTurn], aiTools, cancellationToken))
                {
                    // Leaving the loop disposes the model's stream: a runaway answer is not read to its end.
                    if (!await recorder.OnUpdateAsync(update, cancellationToken)) break;
                }
            }
            else
            {
                await slashCommands.RunAsync(userId, text, recorder, guard, cancellationToken);
            }

            var response = recorder.ToResponse();
            await progress.StopAsync();
            var stored = await store.FinishTurnAsync(conversation, MessageRoles.Assistant, response.Text, response.Messages, response.Usage, storedId);
            await stream.FinishAsync(new TurnSummary(conversation.Id, userRow.Id, stored.Id, recorder.ToolCalls, stored.InputTokens, stored.OutputTokens), CancellationToken.None);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && progress.LeaseLost)
        {
            // Taken for dead (silent past Chat:ProgressStaleAfter) and taken over by a later turn: it stores nothing. The
            // page still reading hears what the conversation now says of it (the later turn stored it), and an end.
            outcome = TurnOutcome.Failed;
            LogLeaseLost(logger, conversation.Id);
            await EndWithErrorAsync(ConversationStore.InterruptedTurn);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The user pressed Stop (here or on another page, on any replica): the answer so far is kept as the answer,
            // said to be stopped, not as an error, with the tool calls that finished (the page showed them).
            outcome = TurnOutcome.Stopped;
            LogStopped(logger, conversation.Id);
            var (partial, calls) = Stopped(recorder.ToResponse());
            await progress.StopAsync();
            var stored = await store.FinishTurnAsync(conversation, MessageRoles.Assistant, partial, calls, id: storedId);
            await stream.FinishAsync(new TurnSummary(conversation.Id, userRow.Id, stored.Id, recorder.ToolCalls), CancellationToken.None);
        }
        // The model's answer is untrusted input and a provider's client throws whatever it likes on a malformed one
        // (found: ArgumentNullException for a tool call without an id). Any failure ends the turn with an explicit,
        // stored error rather than a broken stream and a user message left without an answer.
#pragma warning disable CA1031
        catch (Exception e)
#pragma warning restore CA1031
        {
            outcome = e is OperationCanceledException ? TurnOutcome.TimedOut : TurnOutcome.Failed;
            var message = e is OperationCanceledException
                ? $"The answer took longer than {options.Value.TurnTimeout.TotalSeconds:0} s and was stopped."
                : "The assistant could not finish this answer: a service it needs failed. Try again in a moment.";
            LogTurnFailed(logger, e, conversation.Id);
            await progress.StopAsync();
            await store.FinishTurnAsync(conversation, MessageRoles.Error, message);
            await EndWithErrorAsync(message);
        }
        finally
        {
            metrics.TurnEnded(outcome, agent.IsConfigured, time.GetElapsedTime(started));
        }

        // The page still reading hears why the answer ended, then the end of its stream (nothing before the stream began).
        async Task EndWithErrorAsync(string message)
        {
            if (!stream.Started) return;
            await stream.ErrorAsync(message, CancellationToken.None);
            await stream.FinishAsync(new TurnSummary(conversation.Id, userRow.Id, Error: true), CancellationToken.None);
        }
    }

    private void Validate(string text, IReadOnlyList<ToolApproval>? approvals)
    {
        if (text.Length == 0 && approvals is not { Count: > 0 })
        {
            throw InputValidationException.For("message", "A message (or an answer to an approval request) is required.");
        }
        if (text.Length > options.Value.MaxMessageLength)
        {
            throw InputValidationException.For("message", $"The message is {text.Length} characters long; the limit is {options.Value.MaxMessageLength}.");
        }
        for (var i = 0; i < (approvals?.Count ?? 0); i++)
        {
            if (approvals![i] is null) throw InputValidationException.For($"approvals[{i}]", "Each approval is an object: { approvalId, approved, reason? }.");
            if (string.IsNullOrWhiteSpace(approvals[i].ApprovalId)) throw InputValidationException.For($"approvals[{i}].approvalId", "approvalId is required.");
        }
    }

    /// <summary>
    /// The user's message, plus their answers to the approval requests still open in the conversation. A request the
    /// user did not answer (they wrote a new message instead) is answered as denied, so the model hears that and the
    /// conversation goes on; left open, every later turn failed.
    /// </summary>
    private static List<ChatMessage> BuildUserTurn(string text, IReadOnlyList<ToolApproval>? approvals, List<ChatMessage> history)
    {
        var contents = history.SelectMany(m => m.Contents).ToList();
        var answered = contents.OfType<ToolApprovalResponseContent>().Select(r => r.RequestId).ToHashSet();
        // Some OpenAI-compatible servers reuse call ids (call_0): the latest request with an id is the open one.
        var open = contents.OfType<ToolApprovalRequestContent>().Where(r => !answered.Contains(r.RequestId))
            .GroupBy(r => r.RequestId).ToDictionary(g => g.Key, g => g.Last());

        var turn = new List<AIContent>();
        foreach (var approval in approvals ?? [])
        {
            if (!open.Remove(approval.ApprovalId, out var requested))
            {
                throw InputValidationException.For("approvals", answered.Contains(approval.ApprovalId)
                    ? $"The approval request '{approval.ApprovalId}' was already answered."
                    : $"There is no approval request '{approval.ApprovalId}' in this conversation.");
            }
            turn.Add(requested.CreateResponse(approval.Approved, approval.Reason));
        }
        turn.AddRange(open.Values.Select(r => r.CreateResponse(false, "The user did not answer this request and wrote a new message instead.")));
        if (text.Length > 0) turn.Add(new TextContent(text));
        return [new ChatMessage(ChatRole.User, turn)];
    }

    /// <summary>How a stopped answer ends, in the stored text (markdown).</summary>
    public const string StoppedNote = "_Stopped._";

    /// <summary>
    /// What a stopped turn keeps: its text with <see cref="StoppedNote"/>, and the tool calls that have their result. A call
    /// cut off before its result (or an approval request nobody will answer) would make later turns send the model a
    /// call without an answer.
    /// </summary>
    private static (string Text, List<ChatMessage>? Messages) Stopped(ChatResponse response)
    {
        var partial = response.Text.TrimEnd();
        var text = partial.Length > 0 ? $"{partial}\n\n{StoppedNote}" : StoppedNote;
        var answered = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet();
        if (answered.Count == 0) return (text, null);
        var kept = response.Messages
            .Select(m => new ChatMessage(m.Role, [.. m.Contents.Where(c => c is not ToolApprovalRequestContent && (c is not FunctionCallContent call || answered.Contains(call.CallId)))]))
            .Where(m => m.Contents.Count > 0)
            .ToList();
        kept.Add(new ChatMessage(ChatRole.Assistant, partial.Length > 0 ? $"\n\n{StoppedNote}" : StoppedNote));
        return (text, kept);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat turn in conversation {ConversationId} stopped by the client")]
    private static partial void LogStopped(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat turn in conversation {ConversationId} lost its lease to a later turn (it was taken for dead) and stored nothing")]
    private static partial void LogLeaseLost(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat turn in conversation {ConversationId} failed")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, Guid conversationId);
}
