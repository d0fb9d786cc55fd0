namespace McpStack.Data.RateLimits;

/// <summary>
/// How many times one limit's partition (a user's writes, say) was spent in one fixed window, counted in the database so
/// every replica spends from the same budget. Not user-owned: it is bookkeeping, never shown or filtered per user.
/// </summary>
public sealed class RateLimitWindow
{
    public const int PartitionMaxLength = 320;

    /// <summary>The limit's name and the user's id, e.g. <c>writes:https://issuer|user-1</c>.</summary>
    public required string Partition { get; set; }

    /// <summary>The window's start, in whole windows since the Unix epoch.</summary>
    public long WindowStart { get; set; }

    public int Hits { get; set; }
}
