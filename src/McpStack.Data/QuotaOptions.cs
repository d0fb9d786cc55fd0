using System.ComponentModel.DataAnnotations;

namespace McpStack.Data;

/// <summary>How much one user may store. Bound from the <c>Quotas</c> section.</summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    [Range(1, 10_000_000)]
    public int MaxTasksPerUser { get; set; } = 1000;

    [Range(1, 10_000_000)]
    public int MaxConversationsPerUser { get; set; } = 200;
}
