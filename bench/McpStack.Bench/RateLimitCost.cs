using System.Globalization;
using System.Text;
using McpStack.Data;
using McpStack.Testing;

namespace McpStack.Bench;

/// <summary>
/// What counting the rate limits in the database costs a write: <c>POST /api/tasks</c> (one INSERT) on two api
/// processes over one database, one counting in memory (<c>RateLimits:Store=Process</c>), one in the database
/// (<c>Store=Database</c>, one upsert more per write), runs interleaved so the machine's noise falls on both.
/// </summary>
public static class RateLimitCost
{
    private const string CreateBody = """{"title":"bench task"}""";
    private const int Users = 16;

    public static async Task<string> MeasureAsync(
        TestIssuer issuer, string apiDll, string script, IEnumerable<DatabaseProvider> providers, TimeSpan duration, int rounds = 3)
    {
        var table = new StringBuilder().Append(CultureInfo.InvariantCulture, $"| database | connections | limits counted in | writes/s (median of {rounds}) | p50 ms | p99 ms | api CPU ms per write | errors |\n|---|---|---|---|---|---|---|---|\n");
        var summary = new StringBuilder();
        foreach (var provider in providers)
        {
            await using var database = await TestDatabase.CreateAsync(provider);
            var results = new Dictionary<(int Connections, string Store), List<(LoadResult Load, double CpuMs)>>();
            var servers = new List<(string Store, string Url, ServerProcess Process)>();
            try
            {
                foreach (var store in new[] { "Process", "Database" })
                {
                    var url = $"http://127.0.0.1:{FreePort.Next()}";
                    using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
                    servers.Add((store, url, await ServerProcess.StartAsync(apiDll, url + "/health", ServerProcess.ApiEnvironment(
                        url, database.Url, issuer, key.ExportECPrivateKeyPem(),
                        ("RateLimits__WritesPerMinute", "100000"), ("RateLimits__Store", store), ("Quotas__MaxTasksPerUser", "10000000")))));
                }
                foreach (var (store, url, _) in servers)
                {
                    await Wrk.RunAsync(url + "/api/tasks", CreateBody, issuer.CreateToken($"warm-{store}", url, lifetime: TimeSpan.FromHours(1)), 8, TimeSpan.FromSeconds(3), script);
                }
                // One connection: the latency a write gains; eight: what the cores can carry.
                foreach (var round in Enumerable.Range(0, rounds))
                foreach (var connections in new[] { 1, 8 })
                {
                    foreach (var (store, url, process) in servers)
                    {
                        // Users of their own per run (each run's writes stay inside their budgets), several at once as
                        // in real traffic: one user's writes all count on one row, which serializes them.
                        var token = string.Join(' ', Enumerable.Range(0, Users).Select(u => issuer.CreateToken($"bench-{store}-{connections}-{round}-{u}", url, lifetime: TimeSpan.FromHours(1))));
                        var cpuBefore = process.CpuTime();
                        var load = await Wrk.RunAsync(url + "/api/tasks", CreateBody, token, connections, duration, script);
                        results.TryAdd((connections, store), []);
                        results[(connections, store)].Add((load, (process.CpuTime() - cpuBefore).TotalMilliseconds / Math.Max(1, load.Requests)));
                    }
                }
            }
            finally
            {
                foreach (var (_, _, process) in servers) await process.DisposeAsync();
            }

            var medians = new Dictionary<(int Connections, string Store), (LoadResult Load, double CpuMs)>();
            foreach (var ((connections, store), runs) in results.OrderBy(r => r.Key.Connections))
            {
                var median = runs.OrderBy(r => r.Load.RequestsPerSecond).ElementAt(runs.Count / 2);
                medians[(connections, store)] = median;
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {provider} | {connections} | {store} | {median.Load.RequestsPerSecond:0} | {median.Load.P50Ms:0.00} | {median.Load.P99Ms:0.00} | {median.CpuMs:0.000} | {runs.Sum(r => r.Load.Errors)} |");
                Console.WriteLine($"rate limits {provider} c={connections} {store}: {median.Load.RequestsPerSecond:0} writes/s, p50 {median.Load.P50Ms:0.00} ms");
            }
            var (alone, sharing) = (medians[(1, "Process")], medians[(1, "Database")]);
            var (loaded, loadedSharing) = (medians[(8, "Process")], medians[(8, "Database")]);
            summary.AppendLine(CultureInfo.InvariantCulture,
                $"- {provider}: a write counted in the database takes +{sharing.Load.P50Ms - alone.Load.P50Ms:0.00} ms (p50, one connection) "
                + $"and +{sharing.CpuMs - alone.CpuMs:0.000} ms of api CPU; at 8 connections it keeps {loadedSharing.Load.RequestsPerSecond / loaded.Load.RequestsPerSecond:P0} of the in-process write rate.");
        }
        return $"**Rate limits counted in the database** (`POST /api/tasks` by {Users} users, {duration.TotalSeconds:0} s runs interleaved):\n\n{table}\n{summary}";
    }
}
