namespace McpStack.Hosting;

/// <summary>The telemetry sources McpStack listens to beyond ASP.NET Core and HttpClient, by name.</summary>
public static class Telemetry
{
    /// <summary>The MCP C# SDK's spans and metrics, client and server (MCP semantic conventions).</summary>
    public const string Mcp = "Experimental.ModelContextProtocol";

    /// <summary>Microsoft.Extensions.AI's OpenTelemetry chat client: GenAI spans and token metrics.</summary>
    public const string GenAi = "Experimental.Microsoft.Extensions.AI";

    /// <summary>McpStack's own metrics (chat turns).</summary>
    public const string App = "McpStack";

    /// <summary>EF Core's own metrics (queries, saves, contexts).</summary>
    public const string EfCore = "Microsoft.EntityFrameworkCore";

    /// <summary>The EF Core provider whose commands Npgsql traces itself (EF's span would be a second copy of each).</summary>
    public const string NpgsqlEfProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
}
