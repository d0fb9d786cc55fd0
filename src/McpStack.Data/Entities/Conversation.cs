namespace McpStack.Data.Entities;

public sealed class Conversation : IUserOwned, ITimestamped
{
    public const int TitleMaxLength = 200;

    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// Set while a chat turn is being answered, so a second turn in the same conversation is refused (409) instead of
    /// interleaving its messages; a time, not a flag, so a turn whose process died frees the conversation by itself.
    /// </summary>
    public DateTime? TurnLeaseUntil { get; set; }
    public List<Message> Messages { get; set; } = [];
}
