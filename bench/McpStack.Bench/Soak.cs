using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace McpStack.Bench;

public sealed record SoakResult(double TargetRps, double AchievedRps, long Requests, long Errors, double RssAfterWarmupMiB, double RssAtEndMiB, double P99Ms);

/// <summary>
/// A paced load (wrk cannot pace): a fixed request rate for a fixed time from a few concurrent senders on loopback,
/// counting errors and sampling the server's RSS after a warm-up and at the end (the leak check).
/// </summary>
public static class Soak
{
    public static async Task<SoakResult> RunAsync(ServerProcess server, string url, string? body, string token, double requestsPerSecond, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(10) };
        var latencies = new List<double>();
        long requests = 0, errors = 0;
        var interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        var clock = Stopwatch.StartNew();
        var warmupRss = 0.0;
        var pending = new List<Task>();
        for (long i = 0; clock.Elapsed < duration; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            if (warmupRss == 0 && clock.Elapsed > TimeSpan.FromSeconds(10)) warmupRss = server.RssKiB() / 1024.0;
            pending.Add(SendAsync());
            if (pending.Count > 512) pending.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(pending);
        var achieved = requests / clock.Elapsed.TotalSeconds;
        return new SoakResult(requestsPerSecond, achieved, requests, errors, warmupRss, server.RssKiB() / 1024.0, Stats.Percentile(latencies, 0.99));

        async Task SendAsync()
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var request = Request(url, body, token);
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode || text.Contains("\"isError\":true", StringComparison.Ordinal)) Interlocked.Increment(ref errors);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
            Interlocked.Increment(ref requests);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (latencies) latencies.Add(ms);
        }
    }

    /// <summary>A request as an MCP client sends it (a body: a JSON-RPC POST) or a REST read (no body: a GET), with the bearer token.</summary>
    public static HttpRequestMessage Request(string url, string? body, string token)
    {
        var request = body is null
            ? new HttpRequestMessage(HttpMethod.Get, url)
            : new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }
}
