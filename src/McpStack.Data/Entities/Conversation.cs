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

    /// <summary>
    /// The answer being written, as far as it has got (the page's parts, JSON), for a page that opens the conversation
    /// meanwhile, on any api replica; null between turns.
    /// </summary>
    public string? TurnProgress { get; set; }

    /// <summary>When the turn being answered last wrote <see cref="TurnProgress"/>: its heartbeat. Long silent, it died.</summary>
    public DateTime? TurnProgressAt { get; set; }

    /// <summary>Set when the user asks to stop the turn being answered (from any page, on any replica); cleared by the next turn.</summary>
    public DateTime? TurnStopRequestedAt { get; set; }
    public List<Message> Messages { get; set; } = [];
}
