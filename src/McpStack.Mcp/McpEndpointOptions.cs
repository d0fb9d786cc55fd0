using System.ComponentModel.DataAnnotations;

namespace McpStack.Mcp;

/// <summary>How the MCP endpoint presents itself. Bound from the <c>Mcp</c> configuration section.</summary>
public sealed class McpEndpointOptions
{
    public const string SectionName = "Mcp";

    /// <summary>The public URL of the MCP endpoint: the resource tokens are minted for (their audience).</summary>
    [Required, Url]
    public string ResourceUrl { get; set; } = "http://localhost:8001/mcp";

    /// <summary>Browser origins allowed to call the endpoint, besides the endpoint's own.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Host names (without port) the endpoint answers to, besides the resource URL's; see McpServerApp.AllowedHosts.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// How long clients may reuse the tool list (MCP 2026-07-28 <c>ttlMs</c>): it is the same for every user and
    /// changes only with a new deployment, so shared caches may keep it too. Zero asks clients not to cache.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ToolListTimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Write tool calls (every tool not marked read-only) one user may make per minute, per replica.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerMinute { get; set; } = 120;
}
