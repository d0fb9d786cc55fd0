using McpStack.Data;
using McpStack.Testing;
using Xunit.Abstractions;

namespace McpStack.Mcp.Tests;

/// <summary>
/// The official TypeScript MCP client (tests/mcp-client, installed by test.sh) against the server as the Dockerfile
/// runs it (Production): connect, list, add, update, complete, delete and the refusals, every structured result
/// validated by the client against the tool's output schema; the views, prompts and resources (2025-11-25). Beside it
/// the AI SDK's MCP client (@ai-sdk/mcp), which speaks 2026-07-28: the app tools and their views, prompts, resources. McpStack's own C# client validates nothing, which is how
/// a schema the server broke went unnoticed.
/// </summary>
public sealed class TypeScriptClientTests(ITestOutputHelper output)
{
    private static readonly string SuiteDir = Path.Combine(RepoPaths.Root, "tests", "mcp-client");

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task The_official_TypeScript_client_uses_every_tool(string environment)
    {
        var installed = File.Exists(Path.Combine(SuiteDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json"));
        Assert.True(installed, "The TypeScript MCP client is missing: run `npm ci --prefix tests/mcp-client` (test.sh does).");

        await using var issuer = await TestIssuer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var server = await McpServerHost.StartAsync(database, issuer, $"--environment={environment}");

        var (exitCode, report) = await NodeProcess.RunAsync("node", SuiteDir, ["--test", "--test-reporter=spec", "client.test.mjs", "ai-sdk.test.mjs"],
            new Dictionary<string, string>
            {
                ["MCP_URL"] = server.ResourceUrl,
                ["MCP_TOKEN"] = issuer.CreateToken("ts-" + Guid.NewGuid().ToString("N")[..8], server.ResourceUrl),
                ["MCP_TOKEN_2"] = issuer.CreateToken("ts-other-" + Guid.NewGuid().ToString("N")[..8], server.ResourceUrl),
                // The AI SDK's tests (ai-sdk.test.mjs) as users of their own: the official client's counts stay its own.
                ["MCP_TOKEN_AI"] = issuer.CreateToken("ai-" + Guid.NewGuid().ToString("N")[..8], server.ResourceUrl),
                ["MCP_TOKEN_AI_2"] = issuer.CreateToken("ai-other-" + Guid.NewGuid().ToString("N")[..8], server.ResourceUrl),
                ["MCP_TOKEN_WRONG_AUDIENCE"] = issuer.CreateToken("ts-aud", "http://localhost:8000"),
            },
            TimeSpan.FromMinutes(2));
        await File.WriteAllTextAsync(RepoPaths.Artifacts("mcp-client", $"report-{environment}.txt"), report);
        output.WriteLine(report);
        Assert.True(exitCode == 0, $"The TypeScript client's tests failed (exit {exitCode}):\n{report}");
    }
}
