namespace McpStack.Data.Entities;

public static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Error = "error";
}

public sealed class Message : IUserOwned, ICreatedAt
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public string UserId { get; set; } = "";
    public string Role { get; set; } = MessageRoles.User;
    public string Content { get; set; } = "";

    /// <summary>The tool calls made for this message and their results, as JSON.</summary>
    public string? ToolCalls { get; set; }

    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public DateTime CreatedAt { get; set; }
}
