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
            .WithTags("Chat")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimiting.Chat)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("One chat turn, streamed as the AI SDK UI message stream (server-sent events).")
            .WithDescription("Body: { conversationId?, message, approvals?: [{ approvalId, approved, reason? }] }.");
        app.MapGet("/api/chat/model", (ChatModel model) => TypedResults.Ok(new ChatModelInfo(model.Client is not null, model.Description)))
            .WithTags("Chat")
            .RequireAuthorization()
            .WithSummary("Whether a language model is configured; without one the chat takes slash commands only.");
        return app;
    }

    public static IServiceCollection AddChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChatModel(configuration);
        services.AddSingleton<ChatAgent>();
        services.AddSingleton<ChatMetrics>();
        services.AddScoped<ConversationStore>();
        services.AddScoped<SlashCommands>();
        services.AddScoped<ChatTurn>();
        return services;
    }
}

public sealed record ChatModelInfo(bool Configured, string Description);
