namespace McpStack.Data;

/// <summary>Who the current request acts for. The id always comes from a validated token, never from input.</summary>
public interface ICurrentUser
{
    /// <summary>The user's id (the token's <c>sub</c>), or null when no user is signed in.</summary>
    string? UserId { get; }
}

/// <summary>No user: queries on user-owned data return nothing and writes are refused. Used by the migrate command.</summary>
public sealed class NoCurrentUser : ICurrentUser
{
    public static readonly NoCurrentUser Instance = new();

    public string? UserId => null;
}
