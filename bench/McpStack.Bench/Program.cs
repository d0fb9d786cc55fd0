using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using McpStack.Bench;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// `raw <port> <body file>`: the ceiling server, the same answer as list_tasks without MCP, auth or a database.
if (args is ["raw", var ceilingPort, var bodyFile])
{
    var body = await File.ReadAllBytesAsync(bodyFile);
    var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    var raw = builder.Build();
    raw.Urls.Add($"http://127.0.0.1:{ceilingPort}");
    raw.MapPost("/mcp", async (Microsoft.AspNetCore.Http.HttpContext context) =>
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.WriteAsync(body);
    });
    raw.MapGet("/health", () => "ok");
    await raw.RunAsync();
    return 0;
}

// `dbceiling <port> <database URL>`: the database ceiling, the same statements and answer as list_tasks with bare ADO.NET.
if (args is ["dbceiling", var dbCeilingPortArg, var dbCeilingDatabase])
{
    await DatabaseCeiling.RunAsync(int.Parse(dbCeilingPortArg, CultureInfo.InvariantCulture), dbCeilingDatabase);
    return 0;
}

var duration = TimeSpan.FromSeconds(int.Parse(Option("--duration", "10"), CultureInfo.InvariantCulture));
int[] concurrency = [.. Option("--concurrency", "1,8,32,128").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
var providers = Option("--databases", "sqlite,postgres").Split(',').Select(p => Enum.Parse<DatabaseProvider>(p, ignoreCase: true)).ToList();
var chatTurns = int.Parse(Option("--chat-turns", "200"), CultureInfo.InvariantCulture);
var soakSeconds = int.Parse(Option("--soak", "0"), CultureInfo.InvariantCulture);
var skipRateLimits = args.Contains("--no-rate-limits");
var output = Option("--out", Path.Combine(RepoPaths.Root, "artifacts", "bench", "results.md"));
var script = Path.Combine(RepoPaths.Root, "bench", "wrk-post.lua");
var getScript = Path.Combine(RepoPaths.Root, "bench", "wrk-get.lua");
// --mcp-dll: another build of the MCP server (a published one, to profile what the Dockerfile runs).
var mcpDll = Option("--mcp-dll", Path.Combine(RepoPaths.Root, "src", "McpStack.Mcp", "bin", "Release", "net10.0", "McpStack.Mcp.dll"));
// --api-dll: another build of the api (an earlier commit's, to measure a change against it in one sitting).
var apiDll = Option("--api-dll", Path.Combine(RepoPaths.Root, "src", "McpStack.Api", "bin", "Release", "net10.0", "McpStack.Api.dll"));

const string ListBody = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{"limit":50}}}""";
const string ToolsListBody = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";
const string HealthToolBody = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health","arguments":{}}}""";
const string AddBody = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":{"title":"bench task"}}}""";

var report = new StringBuilder();
var soaks = new StringBuilder("| soak | database | length | target req/s (80 % of peak) | achieved req/s | requests | errors | p99 ms | RSS after warm-up MiB | RSS at end MiB |\n|---|---|---|---|---|---|---|---|---|---|\n");
var breakdown = new StringBuilder("| layer | database | connections | requests/s | p50 ms | server CPU ms per request | errors |\n|---|---|---|---|---|---|---|\n");
report.AppendLine(CultureInfo.InvariantCulture, $"## Figures of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores, {duration.TotalSeconds:0} s per run, wrk on loopback)");
report.AppendLine();
report.AppendLine("| scenario | database | connections | requests/s | p50 ms | p99 ms | max ms | errors | server CPU % | server RSS MiB |");
report.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
var starts = new List<string>();
string? listAnswer = null;
var ceilings = new Dictionary<int, double>();
var mcpList = new Dictionary<(DatabaseProvider, int), double>();
var dbCeilings = new Dictionary<(DatabaseProvider, int), double>();

await using var issuer = await TestIssuer.StartAsync();
if (args.Contains("--startup-only"))
{
    Console.WriteLine(await Startup.MeasureAsync(issuer, script, duration));
    return 0;
}
if (args.Contains("--chat-only"))
{
    Console.WriteLine((await ChatOverhead.MeasureAsync(chatTurns)).ToMarkdown());
    return 0;
}
if (Option("--chat-scale", "") is { Length: > 0 } chatScale)
{
    // Many people chatting at once: N turns at the same moment against a slow model, per N and database.
    int[] users = [.. chatScale.Split(',').Select(u => int.Parse(u, CultureInfo.InvariantCulture))];
    var turnLength = TimeSpan.FromSeconds(int.Parse(Option("--turn-seconds", "30"), CultureInfo.InvariantCulture));
    // --api-env KEY=VALUE,…: settings for the api under test (a GC setting, a pool size), to measure a lever.
    (string, string)[] apiSettings = [.. Option("--api-env", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => (kv[..kv.IndexOf('=')], kv[(kv.IndexOf('=') + 1)..]))];
    Console.WriteLine(await ChatScale.MeasureAsync(issuer, apiDll, mcpDll, providers, users, turnLength, apiSettings));
    return 0;
}
if (args.Contains("--rate-limits-only"))
{
    Console.WriteLine(await RateLimitCost.MeasureAsync(issuer, apiDll, script, providers, duration));
    return 0;
}
if (Option("--serve", "") is { Length: > 0 } serveSeconds)
{
    // For profiling by hand (perf, dotnet-counters): the MCP server as the bench runs it, 50 tasks seeded, for a while.
    await Serve.RunAsync(issuer, mcpDll, providers[0], TimeSpan.FromSeconds(int.Parse(serveSeconds, CultureInfo.InvariantCulture)));
    return 0;
}
foreach (var provider in providers)
{
    await using var database = await TestDatabase.CreateAsync(provider);
    var port = FreePort.Next();
    var baseUrl = $"http://127.0.0.1:{port}";
    // add_task under load measures writes, not the per-user limit and quota that would refuse them.
    var env = ServerProcess.McpEnvironment(baseUrl, baseUrl + "/mcp", database.Url, issuer,
        ("Mcp__WritesPerMinute", "1000000"), ("Quotas__MaxTasksPerUser", "10000000"));
    await using var server = await ServerProcess.StartAsync(mcpDll, baseUrl + "/health", env);
    await Task.Delay(1000);
    starts.Add($"| mcp ({provider}) | {server.StartTime.TotalMilliseconds:0} ms | {server.RssKiB() / 1024.0:0.0} MiB |");
    var token = issuer.CreateToken("bench", baseUrl + "/mcp", lifetime: TimeSpan.FromHours(2));

    // 50 tasks for list_tasks to return, added through the protocol.
    await Serve.SeedTasksAsync(baseUrl + "/mcp", token, 50);
    if (listAnswer is null)
    {
        using var http = new HttpClient();
        using var request = Soak.Request(baseUrl + "/mcp", ListBody, token);
        listAnswer = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
    }

    // Warm-up: tiered JIT and connection pools settle before anything is measured.
    foreach (var body in new[] { ListBody, ToolsListBody, HealthToolBody })
    {
        await Wrk.RunAsync(baseUrl + "/mcp", body, token, 8, TimeSpan.FromSeconds(3), script);
    }

    // Where the time goes: the same server, peeling layers off (one concurrency level).
    var layers = concurrency.Contains(32) ? 32 : concurrency[^1];
    foreach (var (layer, url, body, bearer) in new[]
             {
                 ("GET /health (pipeline only)", baseUrl + "/health", "", (string?)null),
                 ("tools/list (auth + MCP)", baseUrl + "/mcp", ToolsListBody, token),
                 ("tools/call health (+ tool, DB ping)", baseUrl + "/mcp", HealthToolBody, token),
                 ("tools/call list_tasks (+ EF Core query)", baseUrl + "/mcp", ListBody, token),
             })
    {
        var cpuBefore = server.CpuTime();
        var result = await Wrk.RunAsync(url, body, bearer, layers, duration, body.Length == 0 ? getScript : script);
        var cpuMsPerRequest = (server.CpuTime() - cpuBefore).TotalMilliseconds / Math.Max(1, result.Requests);
        breakdown.AppendLine(CultureInfo.InvariantCulture, $"| {layer} | {provider} | {layers} | {result.RequestsPerSecond:0} | {result.P50Ms:0.00} | {cpuMsPerRequest:0.000} | {result.Errors} |");
        Console.WriteLine($"layer {layer} {provider}: {result.RequestsPerSecond:0} req/s, {cpuMsPerRequest:0.000} ms CPU/request");
    }

    foreach (var (name, body) in new[] { ("list_tasks (50)", ListBody), ("add_task", AddBody) })
    {
        foreach (var connections in concurrency)
        {
            var result = await Measure(server, baseUrl + "/mcp", body, token, connections);
            if (name.StartsWith("list", StringComparison.Ordinal)) mcpList[(provider, connections)] = result.RequestsPerSecond;
        }
        if (name.StartsWith("list", StringComparison.Ordinal))
        {
            // The database ceiling: the same statements and answer with bare ADO.NET on the same 50 tasks, right after
            // list_tasks (before add_task adds thousands).
            var dbCeilingPort = FreePort.Next();
            var ceilingUrl = $"http://127.0.0.1:{dbCeilingPort}";
            await using (var ceiling = await ServerProcess.StartAsync(typeof(Wrk).Assembly.Location, ceilingUrl + "/health", new Dictionary<string, string>(),
                             "dbceiling", dbCeilingPort.ToString(CultureInfo.InvariantCulture), database.Url))
            {
                using (var http = new HttpClient())
                {
                    var answer = await (await http.PostAsync(ceilingUrl + "/mcp", new StringContent(ListBody))).Content.ReadAsStringAsync();
                    Console.WriteLine($"database ceiling answer: {answer.Length} characters (list_tasks: {listAnswer?.Length})");
                }
                // As long a warm-up as the MCP server had (its seeding and warm-ups): a fresh process takes ~25 s to full speed.
                await Wrk.RunAsync(ceilingUrl + "/mcp", ListBody, null, 8, TimeSpan.FromSeconds(30), script);
                foreach (var connections in concurrency)
                {
                    var cpuBefore = ceiling.CpuTime();
                    var result = await Wrk.RunAsync(ceilingUrl + "/mcp", ListBody, null, connections, duration, script);
                    var cpu = (ceiling.CpuTime() - cpuBefore).TotalSeconds / duration.TotalSeconds * 100;
                    dbCeilings[(provider, connections)] = result.RequestsPerSecond;
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"| database ceiling (bare ADO.NET, same statements and answer) | {provider} | {connections} | {result.RequestsPerSecond:0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {result.MaxMs:0.0} | {result.Errors} | {cpu:0} | {ceiling.RssKiB() / 1024.0:0} |");
                    Console.WriteLine($"database ceiling {provider} c={connections}: {result.RequestsPerSecond:0} req/s");
                }
            }
        }
        if (soakSeconds > 0 && name.StartsWith("list", StringComparison.Ordinal))
        {
            // 80 % of the list_tasks rate at 8 connections (the best rate when 8 was not measured), for --soak seconds;
            // the paced client shares the cores with the server, as wrk does.
            var peak = mcpList.TryGetValue((provider, 8), out var atEight) ? atEight : mcpList.Where(kv => kv.Key.Item1 == provider).Max(kv => kv.Value);
            RecordSoak("list_tasks (50)", provider.ToString(), await Soak.RunAsync(server, baseUrl + "/mcp", ListBody, token, peak * 0.8, TimeSpan.FromSeconds(soakSeconds)));
        }

        async Task<LoadResult> Measure(ServerProcess target, string url, string requestBody, string? bearer, int connections)
        {
            var cpuBefore = target.CpuTime();
            var result = await Wrk.RunAsync(url, requestBody, bearer, connections, duration, script);
            var cpu = (target.CpuTime() - cpuBefore).TotalSeconds / duration.TotalSeconds * 100;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| mcp {name} | {provider} | {connections} | {result.RequestsPerSecond:0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {result.MaxMs:0.0} | {result.Errors} | {cpu:0} | {target.RssKiB() / 1024.0:0} |");
            Console.WriteLine($"mcp {name} {provider} c={connections}: {result.RequestsPerSecond:0} req/s, p99 {result.P99Ms:0.00} ms, errors {result.Errors}");
            return result;
        }
    }
    starts.Add($"| mcp ({provider}) after the load | | {server.RssKiB() / 1024.0:0.0} MiB (peak {server.PeakRssKiB() / 1024.0:0.0} MiB) |");

}

// The ceiling: the same answer from bare Kestrel.
var bodyPath = Path.GetTempFileName();
await File.WriteAllTextAsync(bodyPath, listAnswer ?? throw new InvalidOperationException("No list_tasks answer was captured."));
var rawPort = FreePort.Next();
var benchDll = typeof(Wrk).Assembly.Location;
await using (var raw = await ServerProcess.StartAsync(benchDll, $"http://127.0.0.1:{rawPort}/health", new Dictionary<string, string>(), "raw", rawPort.ToString(CultureInfo.InvariantCulture), bodyPath))
{
    await Wrk.RunAsync($"http://127.0.0.1:{rawPort}/mcp", ListBody, null, 8, TimeSpan.FromSeconds(3), script);
    foreach (var connections in concurrency)
    {
        var cpuBefore = raw.CpuTime();
        var result = await Wrk.RunAsync($"http://127.0.0.1:{rawPort}/mcp", ListBody, null, connections, duration, script);
        var cpu = (raw.CpuTime() - cpuBefore).TotalSeconds / duration.TotalSeconds * 100;
        ceilings[connections] = result.RequestsPerSecond;
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| raw Kestrel, same answer | — | {connections} | {result.RequestsPerSecond:0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {result.MaxMs:0.0} | {result.Errors} | {cpu:0} | {raw.RssKiB() / 1024.0:0} |");
        Console.WriteLine($"raw c={connections}: {result.RequestsPerSecond:0} req/s");
    }
}
File.Delete(bodyPath);

FractionTable("**list_tasks as a fraction of the raw ceiling** (same answer, same connections):", (_, c) => ceilings[c]);
FractionTable("**list_tasks as a fraction of the database ceiling** (same statements and answer, bare ADO.NET, same database and connections):",
    (provider, c) => dbCeilings[(provider, c)]);

report.AppendLine();
report.AppendLine("**Where the time goes** (the MCP server, one layer added per row):");
report.AppendLine();
report.Append(breakdown);

// The api (Release, Production settings): start time, then its REST read of 50 tasks, peak and soak.
var apiPort = FreePort.Next();
var apiUrl = $"http://127.0.0.1:{apiPort}";
using var delegationKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
await using (var apiDb = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite))
await using (var api = await ServerProcess.StartAsync(apiDll, apiUrl + "/health",
                 ServerProcess.ApiEnvironment(apiUrl, apiDb.Url, issuer, delegationKey.ExportECPrivateKeyPem(), ("RateLimits__WritesPerMinute", "1000"))))
{
    await Task.Delay(1000);
    starts.Add($"| api (SQLite) | {api.StartTime.TotalMilliseconds:0} ms | {api.RssKiB() / 1024.0:0.0} MiB |");
    if (soakSeconds > 0)
    {
        var apiToken = issuer.CreateToken("bench", apiUrl, lifetime: TimeSpan.FromHours(2));
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
            for (var i = 1; i <= 50; i++)
            {
                using var created = await http.PostAsync(apiUrl + "/api/tasks", new StringContent($$"""{"title":"Seeded task {{i}}"}""", Encoding.UTF8, "application/json"));
                created.EnsureSuccessStatusCode();
            }
        }
        var listUrl = apiUrl + "/api/tasks?limit=50";
        await Wrk.RunAsync(listUrl, "", apiToken, 8, TimeSpan.FromSeconds(3), getScript);
        var peak = await Wrk.RunAsync(listUrl, "", apiToken, 8, duration, getScript);
        Console.WriteLine($"api GET /api/tasks c=8: {peak.RequestsPerSecond:0} req/s, p99 {peak.P99Ms:0.00} ms, errors {peak.Errors}");
        RecordSoak("REST GET /api/tasks (50)", "Sqlite", await Soak.RunAsync(api, listUrl, null, apiToken, peak.RequestsPerSecond * 0.8, TimeSpan.FromSeconds(soakSeconds)));
    }
}

if (soakSeconds > 0)
{
    report.AppendLine();
    report.AppendLine("**Soak** (80 % of the rate wrk measured at 8 connections, paced from a .NET client on the same cores; RSS sampled 10 s in and at the end):");
    report.AppendLine();
    report.Append(soaks);
}

var chat = await ChatOverhead.MeasureAsync(chatTurns);
if (!skipRateLimits)
{
    report.AppendLine();
    report.Append(await RateLimitCost.MeasureAsync(issuer, apiDll, script, providers, duration));
}
report.AppendLine();
report.AppendLine("| start-up (Release, to the first healthy probe) | time | RSS |");
report.AppendLine("|---|---|---|");
foreach (var line in starts) report.AppendLine(line);
report.AppendLine();
report.AppendLine(chat.ToMarkdown());

Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine();
Console.WriteLine(report);
Console.WriteLine($"Written to {output}");
return 0;

void FractionTable(string title, Func<DatabaseProvider, int, double> ceilingOf)
{
    report.AppendLine();
    report.AppendLine(title);
    report.AppendLine();
    report.AppendLine("| database | " + string.Join(" | ", concurrency.Select(c => $"c={c}")) + " |");
    report.AppendLine("|---|" + string.Concat(concurrency.Select(_ => "---|")));
    foreach (var provider in providers)
    {
        report.AppendLine($"| {provider} | " + string.Join(" | ", concurrency.Select(c => (mcpList[(provider, c)] / ceilingOf(provider, c)).ToString("P0", CultureInfo.InvariantCulture))) + " |");
    }
}

void RecordSoak(string scenario, string database, SoakResult soak)
{
    soaks.AppendLine(CultureInfo.InvariantCulture,
        $"| {scenario} | {database} | {soakSeconds} s | {soak.TargetRps:0} | {soak.AchievedRps:0} | {soak.Requests} | {soak.Errors} | {soak.P99Ms:0.0} | {soak.RssAfterWarmupMiB:0} | {soak.RssAtEndMiB:0} |");
    Console.WriteLine($"soak {scenario} {database}: {soak.AchievedRps:0}/{soak.TargetRps:0} req/s, {soak.Errors} errors, RSS {soak.RssAfterWarmupMiB:0} → {soak.RssAtEndMiB:0} MiB");
}

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
