using System.ComponentModel;
using McpStack.Data;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Tools;

[McpServerToolType]
public sealed class HealthTools(AppDbContext db, TimeProvider timeProvider)
{
    [McpServerTool(Name = "health", Title = "Server health", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Tells whether the server and its database are working. Call it when other tools fail unexpectedly.")]
    public async Task<HealthResult> Health(CancellationToken cancellationToken = default)
    {
        var databaseReachable = await db.Database.CanConnectAsync(cancellationToken);
        return new HealthResult(databaseReachable ? "ok" : "degraded", databaseReachable, timeProvider.GetUtcNow());
    }
}

public sealed record HealthResult(string Status, bool DatabaseReachable, DateTimeOffset ServerTime);
