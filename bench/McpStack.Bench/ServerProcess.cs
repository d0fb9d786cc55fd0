using System.Diagnostics;
using System.Globalization;

namespace McpStack.Bench;

/// <summary>A service under load in a process of its own, whose CPU time and memory are read from /proc.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, TimeSpan startTime)
    {
        _process = process;
        StartTime = startTime;
    }

    /// <summary>From launch to the first successful health probe.</summary>
    public TimeSpan StartTime { get; }

    public int ProcessId => _process.Id;

    /// <summary>The api as the bench runs it: Release, Production settings, trusting <paramref name="issuer"/>, at <paramref name="url"/>, with <paramref name="settings"/> added.</summary>
    public static Dictionary<string, string> ApiEnvironment(
        string url, string databaseUrl, McpStack.Testing.TestIssuer issuer, string delegationKeyPem, params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DATABASE_URL"] = databaseUrl,
            ["Auth__Issuers__0__Issuer"] = issuer.Issuer,
            ["Auth__Issuers__0__JwksUrl"] = issuer.JwksUrl,
            ["Auth__Issuers__0__MaxTokenLifetime"] = "03:00:00", // the bench's tokens outlive its runs
            ["Auth__Audience"] = url,
            ["Auth__RequireHttpsMetadata"] = "false",
            ["Delegation__SigningKeyPem"] = delegationKeyPem,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        return environment;
    }

    /// <summary>The MCP server as the bench runs it: Release, Production settings, trusting <paramref name="issuer"/>, at <paramref name="url"/> as <paramref name="resourceUrl"/>, with <paramref name="settings"/> added.</summary>
    public static Dictionary<string, string> McpEnvironment(
        string url, string resourceUrl, string databaseUrl, McpStack.Testing.TestIssuer issuer, params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DATABASE_URL"] = databaseUrl,
            ["Mcp__ResourceUrl"] = resourceUrl,
            ["Auth__Issuers__0__Issuer"] = issuer.Issuer,
            ["Auth__Issuers__0__JwksUrl"] = issuer.JwksUrl,
            ["Auth__Issuers__0__MaxTokenLifetime"] = "03:00:00", // the bench's tokens outlive its runs
            ["Auth__RequireHttpsMetadata"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        return environment;
    }

    public static async Task<ServerProcess> StartAsync(string dll, string healthUrl, IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  [server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(healthUrl));
                if (response.IsSuccessStatusCode) return new ServerProcess(process, clock.Elapsed);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (process.HasExited) throw new InvalidOperationException($"{dll} exited with {process.ExitCode} during start-up.");
            await Task.Delay(20);
        }
        throw new TimeoutException($"{dll} was not healthy within 60 s.");
    }

    /// <summary>User + system CPU time so far.</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{_process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    public long RssKiB() => Status("VmRSS");

    public long PeakRssKiB() => Status("VmHWM");

    private long Status(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
