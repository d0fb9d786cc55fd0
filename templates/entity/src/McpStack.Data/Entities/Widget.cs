namespace McpStack.Data.Entities;

/// <summary>A widget of one user. The owner, timestamps and version are stamped by AppDbContext.</summary>
public sealed class Widget : IUserOwned, ITimestamped, IVersioned
{
    public const int NameMaxLength = 200;
    public const int NotesMaxLength = 2000;

    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Notes { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}
