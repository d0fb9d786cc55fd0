namespace McpStack.Data;

/// <summary>A feature's service over <see cref="AppDbContext"/>: <c>AddAppData</c> registers every one (scoped), so a new feature needs no registration.</summary>
#pragma warning disable CA1040 // a marker is the point: it says "register me", and carries nothing else
public interface IDataService;
#pragma warning restore CA1040
