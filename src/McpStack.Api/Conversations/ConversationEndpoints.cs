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

    private static async Task<Ok<ConversationDetail>> Get(AppDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException("conversation", id);
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ConversationDetail(conversation.Id, conversation.Title, conversation.CreatedAt, conversation.UpdatedAt,
            [.. messages.Select(m => new MessageView(m.Id, m.Role, m.Content, ToolCallsOf(m), m.CreatedAt, m.InputTokens, m.OutputTokens))]));
    }

    private static async Task<NoContent> Delete(AppDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("conversation", id);
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The tool calls of a stored turn, with their results, as the page shows them.</summary>
    private static List<ToolCallView> ToolCallsOf(Message message)
    {
        if (message.ToolCalls is null) return [];
        var contents = ConversationStore.ToChatMessages(message).SelectMany(m => m.Contents).ToList();
        // A model may reuse call ids (call_0) within a turn: the latest result or request with an id stands.
        var results = contents.OfType<FunctionResultContent>().GroupBy(r => r.CallId).ToDictionary(g => g.Key, g => g.Last());
        var approvals = contents.OfType<ToolApprovalRequestContent>().GroupBy(a => a.ToolCall.CallId).ToDictionary(g => g.Key, g => g.Last().RequestId);
        var calls = contents.OfType<FunctionCallContent>()
            .Concat(contents.OfType<ToolApprovalRequestContent>().Select(a => a.ToolCall).OfType<FunctionCallContent>())
            .DistinctBy(c => c.CallId);
        return [.. calls.Select(call =>
        {
            if (results.TryGetValue(call.CallId, out var result))
            {
                var (output, error) = ToolOutcome.Of(result);
                return new ToolCallView(call.CallId, call.Name, call.Arguments, error is null ? ToolCallState.OutputAvailable : ToolCallState.OutputError, output, error, null);
            }
            return approvals.TryGetValue(call.CallId, out var approvalId)
                ? new ToolCallView(call.CallId, call.Name, call.Arguments, ToolCallState.ApprovalRequested, null, null, approvalId)
                : new ToolCallView(call.CallId, call.Name, call.Arguments, ToolCallState.InputAvailable, null, null, null);
        })];
    }
}

public sealed record ConversationSummary(Guid Id, string Title, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ConversationDetail(Guid Id, string Title, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<MessageView> Messages);

public sealed record MessageView(Guid Id, string Role, string Content, IReadOnlyList<ToolCallView> ToolCalls, DateTime CreatedAt, int? InputTokens, int? OutputTokens);

public sealed record ToolCallView(string ToolCallId, string ToolName, IDictionary<string, object?>? Input, ToolCallState State, object? Output, string? ErrorText, string? ApprovalId);

/// <summary>A stored tool call's state, as the AI SDK names them.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ToolCallState>))]
public enum ToolCallState
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("input-available")]
    InputAvailable,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("approval-requested")]
    ApprovalRequested,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("output-available")]
    OutputAvailable,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("output-error")]
    OutputError,
    /// <summary>The user denied it, so it did not run (in a turn's answer; stored, such a call reads as its refusal).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("output-denied")]
    OutputDenied,
}
