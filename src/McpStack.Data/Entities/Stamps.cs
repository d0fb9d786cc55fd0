namespace McpStack.Data.Entities;

// What the DbContext stamps on save, by interface: a new entity implements the ones it needs and nothing else changes.

/// <summary>Gets the time it was added, from the context's clock.</summary>
public interface ICreatedAt
{
    DateTime CreatedAt { get; set; }
}

/// <summary>Gets the time it was added and the time of its last change.</summary>
public interface ITimestamped : ICreatedAt
{
    DateTime UpdatedAt { get; set; }
}

/// <summary>Counts its changes from 1, for optimistic concurrency (a concurrency token in its mapping).</summary>
public interface IVersioned
{
    int Version { get; set; }
}
