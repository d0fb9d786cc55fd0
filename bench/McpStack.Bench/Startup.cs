using System.Diagnostics;
using System.Globalization;
using System.Text;
using McpStack.Data;
using McpStack.Testing;

namespace McpStack.Bench;

/// <summary>
/// The services as the Dockerfiles publish and run them (their <c>RUN dotnet publish</c> and <c>ENV</c> lines, read from
/// deploy/*.Dockerfile): time from process start to the first 200 from <c>/health/ready</c>, RSS when idle, and the MCP
/// server's first 3 s under immediate load against its steady state (an autoscaled replica is needed the moment it starts).
/// The database ceiling (bare Kestrel and ADO.NET, <see cref="DatabaseCeiling"/>), published and run the same way, is the
/// reference for each: what .NET itself needs on this machine to start, idle and reach full speed.
/// </summary>
public static class Startup
{
    private const string ListBody = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{"limit":50}}}""";

    public static async Task<string> MeasureAsync(TestIssuer issuer, string script, TimeSpan duration, int starts = 5, int loadRuns = 3)
    {
        var report = new StringBuilder();
        var folder = Path.Combine(RepoPaths.Root, "artifacts", "bench", "publish");
        var (mcpDll, mcpEnvironment) = await PublishAsync("mcp", "src/McpStack.Mcp", folder, "mcp");
        var (apiDll, apiEnvironment) = await PublishAsync("api", "src/McpStack.Api", folder, "api");
        var (ceilingDll, _) = await PublishAsync("mcp", "bench/McpStack.Bench", folder, "ceiling");
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // Every MCP server started here is the same resource (the tokens' audience): the seeder's address.
        var seedUrl = $"http://127.0.0.1:{FreePort.Next()}";

        report.AppendLine(CultureInfo.InvariantCulture, $"**As the Dockerfiles publish and run them** ({string.Join(", ", mcpEnvironment.Select(e => $"{e.Key}={e.Value}"))}; SQLite; medians of {starts} starts):");
        report.AppendLine();
        report.AppendLine("| service | ready after start (median, min–max) | RSS idle 5 s after ready |");
        report.AppendLine("|---|---|---|");
        foreach (var (name, dll, dockerEnvironment) in new[] { ("mcp", mcpDll, mcpEnvironment), ("api", apiDll, apiEnvironment) })
        {
            await ReadyRowAsync(name, url => ServerProcess.StartAsync(dll, url + "/health/ready", Environment(name, url, database, issuer, dockerEnvironment)));
        }

        // 50 tasks for list_tasks, added by a first server; each measured one starts cold on them.
        await using (var seeder = await ServerProcess.StartAsync(mcpDll, seedUrl + "/health/ready", Environment("mcp", seedUrl, database, issuer, mcpEnvironment)))
        {
            await Serve.SeedTasksAsync(seedUrl + "/mcp", issuer.CreateToken("bench", seedUrl + "/mcp", lifetime: TimeSpan.FromHours(1)), 50);
        }
        // The reference: the database ceiling on the same 50 tasks, as the MCP server's Dockerfile publishes and runs it.
        await ReadyRowAsync("database ceiling (bare Kestrel + ADO.NET, the mcp Dockerfile's publish and ENV)", StartCeilingAsync);

        report.AppendLine();
        report.AppendLine("| fresh server, list_tasks (50), c=32 | first 3 s req/s | steady req/s (after 30 s) | first 3 s / steady | RSS after the load |");
        report.AppendLine("|---|---|---|---|---|");
        var token = issuer.CreateToken("bench", seedUrl + "/mcp", lifetime: TimeSpan.FromHours(1));
        for (var run = 0; run < loadRuns; run++)
        {
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            await using (var server = await ServerProcess.StartAsync(mcpDll, url + "/health/ready", Environment("mcp", url, database, issuer, mcpEnvironment)))
            {
                await FreshLoadAsync($"MCP server, run {run + 1}", server, url + "/mcp", token);
            }
            var ceilingUrl = $"http://127.0.0.1:{FreePort.Next()}";
            await using var ceiling = await StartCeilingAsync(ceilingUrl);
            await FreshLoadAsync($"database ceiling, run {run + 1}", ceiling, ceilingUrl + "/mcp", null);
        }
        return report.ToString();

        // Ready time and idle RSS over the starts, medians: one row of the first table.
        async Task ReadyRowAsync(string label, Func<string, Task<ServerProcess>> start)
        {
            var times = new List<double>();
            var rss = new List<double>();
            for (var i = 0; i < starts; i++)
            {
                await using var server = await start($"http://127.0.0.1:{FreePort.Next()}");
                times.Add(server.StartTime.TotalMilliseconds);
                await Task.Delay(5000);
                rss.Add(server.RssKiB() / 1024.0);
            }
            times.Sort();
            rss.Sort();
            report.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {times[starts / 2]:0} ms ({times[0]:0}–{times[^1]:0}) | {rss[starts / 2]:0} MiB |");
            Console.WriteLine($"start-up {label}: ready {times[starts / 2]:0} ms, idle RSS {rss[starts / 2]:0} MiB");
        }

        Task<ServerProcess> StartCeilingAsync(string url)
        {
            var environment = new Dictionary<string, string>(mcpEnvironment) { ["ASPNETCORE_URLS"] = url };
            return ServerProcess.StartAsync(ceilingDll, url + "/health", environment,
                "dbceiling", new Uri(url).Port.ToString(CultureInfo.InvariantCulture), database.Url);
        }

        // Load from the first moment: 3 s measured, 27 s more, then the steady rate.
        async Task FreshLoadAsync(string label, ServerProcess server, string url, string? bearer)
        {
            var first = await Wrk.RunAsync(url, ListBody, bearer, 32, TimeSpan.FromSeconds(3), script);
            await Wrk.RunAsync(url, ListBody, bearer, 32, TimeSpan.FromSeconds(27), script);
            var steady = await Wrk.RunAsync(url, ListBody, bearer, 32, duration, script);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {label} | {first.RequestsPerSecond:0} | {steady.RequestsPerSecond:0} | {first.RequestsPerSecond / steady.RequestsPerSecond:P0} | {server.RssKiB() / 1024.0:0} MiB |");
            Console.WriteLine($"fresh {label}: first 3 s {first.RequestsPerSecond:0} req/s, steady {steady.RequestsPerSecond:0} req/s");
        }

        Dictionary<string, string> Environment(string service, string url, TestDatabase db, TestIssuer trusted, IReadOnlyDictionary<string, string> dockerEnvironment)
        {
            var environment = service == "api"
                ? ServerProcess.ApiEnvironment(url, db.Url, trusted, ApiHost.NewSigningKeyPem())
                : ServerProcess.McpEnvironment(url, seedUrl + "/mcp", db.Url, trusted);
            foreach (var (key, value) in dockerEnvironment) environment[key] = value;
            environment["ASPNETCORE_URLS"] = url; // the Dockerfile's port, replaced by a free one
            return environment;
        }
    }

    /// <summary>
    /// Publishes <paramref name="project"/> (a folder under the repository) into <paramref name="folder"/>/<paramref name="name"/>
    /// with <paramref name="service"/>'s Dockerfile's <c>dotnet publish</c> line; returns the dll and the Dockerfile's <c>ENV</c>.
    /// </summary>
    private static async Task<(string Dll, IReadOnlyDictionary<string, string> Environment)> PublishAsync(string service, string project, string folder, string name)
    {
        var lines = string.Join('\n', await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Root, "deploy", $"{service}.Dockerfile")))
            .Replace("\\\n", " ", StringComparison.Ordinal)
            .Split('\n');
        var publish = lines.Single(l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal))["RUN ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var output = Path.Combine(folder, name);
        publish[publish.IndexOf("-o") + 1] = output;
        publish[2] = project; // dotnet publish <project>
        var start = new ProcessStartInfo(publish[0]) { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in publish.Skip(1).Append("--nologo").Append("-v").Append("quiet")) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var log = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', publish)} failed:\n{log}");

        var environment = lines.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l["ENV ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        return (Path.Combine(output, $"{Path.GetFileName(project)}.dll"), environment);
    }
}
