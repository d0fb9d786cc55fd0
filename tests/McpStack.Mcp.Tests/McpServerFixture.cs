using System.Text.Json;
using McpStack.Data;
using McpStack.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tests;

/// <summary>One MCP server on its own database, with an issuer whose keys it trusts, for a test class.</summary>
public abstract class McpServerFixture(DatabaseProvider provider, params string[] serverArgs) : IAsyncLifetime
{
    public TestIssuer Issuer { get; private set; } = null!;
    public TestDatabase Database { get; private set; } = null!;
    public McpServerHost Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Database = await TestDatabase.CreateAsync(provider);
        Server = await McpServerHost.StartAsync(Database, Issuer, serverArgs);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    /// <summary>A valid token for <paramref name="user"/>, minted for this MCP server.</summary>
    public string TokenFor(string user) => Issuer.CreateToken(user, Server.ResourceUrl);

    public Task<McpClient> ConnectAsAsync(string user) => Server.ConnectAsync(TokenFor(user));
}

public sealed class SqliteMcpServer() : McpServerFixture(DatabaseProvider.Sqlite);

public sealed class PostgresMcpServer() : McpServerFixture(DatabaseProvider.Postgres);

internal static class ToolResults
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static T Structured<T>(this CallToolResult result)
    {
        Assert.True(result.IsError is null or false, $"Tool failed: {result.Text()}");
        Assert.NotNull(result.StructuredContent);
        return result.StructuredContent.Value.Deserialize<T>(Web)!;
    }

    public static string Text(this CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>Asserts the call failed as a tool error (not a protocol error or a crash) and returns its message.</summary>
    public static string Error(this CallToolResult result)
    {
        Assert.True(result.IsError, $"Expected a tool error, got: {result.Text()}");
        return result.Text();
    }
}
