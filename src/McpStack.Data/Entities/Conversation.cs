namespace McpStack.Data.Entities;

public sealed class Conversation : IUserOwned
{
    public const int TitleMaxLength = 200;

    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<Message> Messages { get; set; } = [];
}
