using McpStack.Api.Features;
using McpStack.Api.Security;

namespace McpStack.Api.Chat;

public static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/chat", async (HttpContext http, ChatRequest request, ChatTurn turn) =>
            {
                await turn.RunAsync(http, request);
                return Results.Empty;
            })
            .WithName("Chat")
            .WithTags("Chat")
            .RequireAuthorization()
            .RequireChatBudget()
            // The stream by default; the whole turn as one document with Accept: application/json.
            .Produces<ChatTurnResult>(StatusCodes.Status200OK, "text/event-stream", "application/json")
            // 404: no such conversation; 409: a turn of this conversation is still running.
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests)
            .WithSummary("One chat turn, streamed as the AI SDK UI message stream (server-sent events).")
            .WithDescription("Body: { conversationId?, message, approvals?: [{ approvalId, approved, reason? }] }. With `Accept: application/json` "
                + "the answer is the whole turn as one ChatTurnResult document (the answer, each tool call with its outcome or approval id, "
                + "the ids, the tokens, or the error). Otherwise it is the AI SDK's "
                + "UI message stream as server-sent events (`x-vercel-ai-ui-message-stream: v1`): `start` (with the conversation id), text "
                + "parts, `tool-input-available`, `tool-approval-request`, `tool-output-available` / `tool-output-error`, `error`, `finish` "
                + "(ids and token counts), then `data: [DONE]`.");
        app.MapGet("/api/chat/model", (ChatModel model) => TypedResults.Ok(new ChatModelInfo(model.Client is not null, model.Description)))
            .WithName("GetChatModel")
            .WithTags("Chat")
            .RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized)
            .WithSummary("Whether a language model is configured; without one the chat takes slash commands only.");
        return app;
    }

    public static IServiceCollection AddChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChatModel(configuration);
        services.AddSingleton<ChatAgent>();
        services.AddSingleton<ChatMetrics>();
        services.AddSingleton<RunningTurns>();
        services.AddSingleton<TurnProgressStore>();
        services.AddSingleton<TurnProgressWriter>();
        services.AddScoped<ConversationStore>();
        services.AddScoped<SlashCommands>();
        services.AddScoped<ChatTurn>();
        return services;
    }
}

public sealed record ChatModelInfo(bool Configured, string Description);
