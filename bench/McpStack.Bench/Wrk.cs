using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace McpStack.Bench;

/// <summary>One wrk run's figures.</summary>
public sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs, long Requests, long Errors);

/// <summary>Drives wrk (Debian's package) against a loopback URL with a POST body and headers, bounded in time.</summary>
public static partial class Wrk
{
    public static async Task<LoadResult> RunAsync(string url, string body, string? token, int connections, TimeSpan duration, string scriptPath)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-t", Math.Min(connections, 2).ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{(int)duration.TotalSeconds}s", "--latency", "--timeout", "10s", "-s", scriptPath, url })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["BENCH_BODY"] = body;
        start.Environment["BENCH_TOKEN"] = token ?? "";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start: apt-get install wrk");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed: {output}{await process.StandardError.ReadToEndAsync()}");
        return Parse(output);
    }

    public static LoadResult Parse(string output)
    {
        double Duration(string text)
        {
            var m = DurationPattern().Match(text);
            var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => value / 1000, "ms" => value, "s" => value * 1000, "m" => value * 60_000, _ => value };
        }
        var latency = LatencyLine().Match(output);
        var requests = long.Parse(RequestsLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output);
        var socket = SocketErrors().Match(output);
        long errors = non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (socket.Success)
        {
            errors += socket.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture));
        }
        return new LoadResult(
            double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Duration(Percentile(output, "50%")),
            Duration(Percentile(output, "99%")),
            Duration(latency.Groups[3].Value),
            requests,
            errors);
    }

    private static string Percentile(string output, string p) => Regex.Match(output, @"^\s*" + Regex.Escape(p) + @"\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;

    [GeneratedRegex(@"([\d.]+)(us|ms|s|m)")] private static partial Regex DurationPattern();
    [GeneratedRegex(@"Latency\s+(\S+)\s+(\S+)\s+(\S+)")] private static partial Regex LatencyLine();
    [GeneratedRegex(@"(\d+) requests in")] private static partial Regex RequestsLine();
    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")] private static partial Regex Non2xx();
    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")] private static partial Regex SocketErrors();
    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")] private static partial Regex Rps();
}
