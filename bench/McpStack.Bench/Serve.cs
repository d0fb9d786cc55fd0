using System.Globalization;
using System.Runtime.InteropServices;
using McpStack.Data;
using McpStack.Testing;
using ModelContextProtocol.Client;

namespace McpStack.Bench;

/// <summary>
/// <c>--serve SECONDS</c>: the MCP server as the bench runs it, with 50 tasks, left running for a profiler. Prints the
/// URL, the process id and a token, and writes them to artifacts/bench/serve.env for wrk and perf (bench/README.md).
/// </summary>
public static class Serve
{
    public static async Task RunAsync(TestIssuer issuer, string mcpDll, DatabaseProvider provider, TimeSpan duration)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var port = FreePort.Next();
        var baseUrl = $"http://127.0.0.1:{port}";
        await using var server = await ServerProcess.StartAsync(mcpDll, baseUrl + "/health", ServerProcess.McpEnvironment(baseUrl, baseUrl + "/mcp", database.Url, issuer));
        var token = issuer.CreateToken("bench", baseUrl + "/mcp", lifetime: TimeSpan.FromHours(2));
        await SeedTasksAsync(baseUrl + "/mcp", token, 50);
        var file = Path.Combine(RepoPaths.Root, "artifacts", "bench", "serve.env");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var settings = string.Create(CultureInfo.InvariantCulture, $"BENCH_URL={baseUrl}/mcp\nBENCH_PID={server.ProcessId}\nBENCH_TOKEN={token}\n");
        await File.WriteAllTextAsync(file, settings);
        Console.WriteLine(settings + $"(also in {file}; serving {provider} for {duration.TotalSeconds:0} s, or until Ctrl+C or SIGTERM)");
        // Stopped early by a signal, the server and its database are still cleaned up on the way out.
        using var stop = new CancellationTokenSource(duration);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Adds <paramref name="count"/> tasks through the protocol, as a client would.</summary>
    public static async Task SeedTasksAsync(string mcpUrl, string token, int count)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(mcpUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        });
        await using var mcp = await McpClient.CreateAsync(transport);
        for (var i = 1; i <= count; i++) await mcp.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = $"Seeded task {i}" });
    }
}
