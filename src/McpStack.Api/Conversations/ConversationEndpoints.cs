using McpStack.Api.Chat;
using McpStack.Api.Features;
using McpStack.Api.Security;
using McpStack.Data;
using McpStack.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;

namespace McpStack.Api.Conversations;

/// <summary>The signed-in user's conversations; another user's id is 404.</summary>
public static class ConversationEndpoints
{
    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations").WithTags("Chat").RequireAuthorization().ProducesProblems(StatusCodes.Status401Unauthorized);
        group.MapGet("/", List).WithName("ListConversations").WithSummary("The user's conversations, most recent first.");
        group.MapGet("/{id:guid}", Get).WithName("GetConversation").ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("One conversation with its messages and their tool calls.");
        group.MapGet("/{id:guid}/stream", Stream).WithName("StreamConversationTurn").ProducesProblems(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").Produces(StatusCodes.Status204NoContent)
            .WithSummary("The answer being written in the conversation, from where it has got, as it continues (AI SDK UI message stream).")
            .WithDescription("For a page that opens a conversation while a turn runs (after a reload, in another tab, on any api replica): "
                + "the answer so far, then each change, then `finish`. 204 when no turn is running. A turn whose replica died ends with an `error` part.");
        group.MapPost("/{id:guid}/stop", Stop).WithName("StopConversationTurn").ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("Stops the answer being written in the conversation, wherever it runs; it is kept as stopped. 202 also when none runs.");
        group.MapDelete("/{id:guid}", Delete).WithName("DeleteConversation").RequireWriteBudget().ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("Deletes a conversation and its messages.");
        return app;
    }

    private static async Task<Ok<List<ConversationSummary>>> List(AppDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Conversations.AsNoTracking()
            .OrderByDescending(c => c.UpdatedAt)
            .Take(100)
            .Select(c => new ConversationSummary(c.Id, c.Title, c.CreatedAt, c.UpdatedAt))
            .ToListAsync(cancellationToken));

    private static async Task<Ok<ConversationDetail>> Get(AppDbContext db, TurnProgressStore progress, Guid id, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException("conversation", id);
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        var turn = progress.StateOf(conversation.TurnLeaseUntil, conversation.TurnProgressAt, null);
        var view = ConversationView.Of(messages, turn.Running);
        if (turn.Interrupted)
        {
            // Said now, as the next turn will store it: the replica writing the answer went silent.
            view.Add(new MessageView(conversation.Id, MessageRoles.Error, ConversationStore.InterruptedTurn,
                [new MessagePartView(MessagePartKind.Text, ConversationStore.InterruptedTurn)], conversation.TurnProgressAt!.Value, null, null));
        }
        return TypedResults.Ok(new ConversationDetail(conversation.Id, conversation.Title, conversation.CreatedAt, conversation.UpdatedAt, turn.Running, view));
    }

    private static async Task<Results<EmptyHttpResult, NoContent>> Stream(HttpContext http, AppDbContext db, TurnProgressStore progress, Guid id, CancellationToken cancellationToken)
    {
        _ = await progress.ReadAsync(db, id, cancellationToken) ?? throw new NotFoundException("conversation", id);
        return await progress.StreamAsync(db, id, new UiMessageStreamWriter(http.Response), cancellationToken) ? TypedResults.Empty : TypedResults.NoContent();
    }

    private static async Task<Accepted> Stop(AppDbContext db, TurnProgressStore progress, RunningTurns running, Guid id, CancellationToken cancellationToken) =>
        await progress.RequestStopAsync(db, running, id, cancellationToken) ? TypedResults.Accepted((string?)null) : throw new NotFoundException("conversation", id);

    private static async Task<NoContent> Delete(AppDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("conversation", id);
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}

public sealed record ConversationSummary(Guid Id, string Title, DateTime CreatedAt, DateTime UpdatedAt);

/// <param name="TurnRunning">Whether an answer is being written in it now (on any api replica).</param>
public sealed record ConversationDetail(Guid Id, string Title, DateTime CreatedAt, DateTime UpdatedAt, bool TurnRunning, IReadOnlyList<MessageView> Messages);

/// <summary>A message as the page shows it (<see cref="ConversationView"/>): its parts in order, and its whole text.</summary>
public sealed record MessageView(Guid Id, string Role, string Content, IReadOnlyList<MessagePartView> Parts, DateTime CreatedAt, int? InputTokens, int? OutputTokens)
{
    /// <summary>The message's tool calls, in order (not sent: they are in <see cref="Parts"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<ToolCallView> ToolCalls => Parts.Select(p => p.ToolCall).OfType<ToolCallView>();
}

/// <summary>Text, or a tool call.</summary>
public sealed record MessagePartView(MessagePartKind Type, string? Text = null, ToolCallView? ToolCall = null);

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MessagePartKind>))]
public enum MessagePartKind
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("text")]
    Text,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("tool")]
    Tool,
}

public sealed record ToolCallView(string ToolCallId, string ToolName, IDictionary<string, object?>? Input, ToolCallState State, object? Output, string? ErrorText, ToolApprovalView? Approval);

/// <summary>An approval request, and the user's answer once given (<c>approved</c>, and the reason a denial gave).</summary>
public sealed record ToolApprovalView(string Id, bool? Approved, string? Reason);

/// <summary>A stored tool call's state, as the AI SDK names them.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ToolCallState>))]
public enum ToolCallState
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("input-available")]
    InputAvailable,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("approval-requested")]
    ApprovalRequested,
    /// <summary>Approved, and its turn still running: its result is on the way.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("approval-responded")]
    ApprovalResponded,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("output-available")]
    OutputAvailable,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("output-error")]
    OutputError,
    /// <summary>The user denied it, so it did not run (in a turn's answer; stored, such a call reads as its refusal).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("output-denied")]
    OutputDenied,
}
