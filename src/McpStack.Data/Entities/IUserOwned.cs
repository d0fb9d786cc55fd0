namespace McpStack.Data.Entities;

/// <summary>An entity that belongs to one user; the DbContext scopes every query and write to the current user.</summary>
public interface IUserOwned
{
    /// <summary>The longest user id stored: an issuer's namespace, '|', and its subject. Longer ones are refused at sign-in.</summary>
    const int UserIdMaxLength = 256;

    string UserId { get; set; }
}
