namespace McpStack.Data.Entities;

/// <summary>An entity that belongs to one user; the DbContext scopes every query and write to the current user.</summary>
public interface IUserOwned
{
    string UserId { get; set; }
}
