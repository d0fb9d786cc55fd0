using System.Diagnostics;
using Npgsql;

namespace McpStack.Testing;

/// <summary>
/// A throwaway PostgreSQL server for the test run: initdb into a temporary folder, listen on 127.0.0.1 on a
/// free port, stop and delete it when the process exits. Runs as the <c>postgres</c> user when tests run as root.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly string _binDir;
    private readonly string _dataDir;
    private readonly string _root;

    private PostgresServer(string binDir, string root, int port)
    {
        _binDir = binDir;
        _root = root;
        _dataDir = Path.Combine(root, "data");
        Port = port;
    }

    public int Port { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The one server of this test process, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A server of its own, for a test that stops and restarts it; stopped and deleted at process exit.</summary>
    public static Task<PostgresServer> StartPrivateAsync() => StartAsync();

    public static string? FindBinDir()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    // "fast": sessions are ended and the data flushed, as in an orderly database restart (the server runs with fsync off).
    public Task StopAsync() => RunAsync("pg_ctl", "-D", _dataDir, "-m", "fast", "-w", "stop");

    public Task StartAgainAsync() => StartServerAsync();

    private static async Task<PostgresServer> StartAsync()
    {
        var binDir = FindBinDir() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found (looked in /usr/lib/postgresql/*/bin and $PG_BIN). " +
            "Install them with: apt-get install postgresql");
        RemoveLeftovers();
        var root = Path.Combine(Path.GetTempPath(), "mcpstack-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        if (IsRoot)
        {
            await RunRawAsync("chown", "postgres:postgres", root);
        }
        var server = new PostgresServer(binDir, root, FreePort.Next());
        await server.RunAsync("initdb", "-D", server._dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await server.StartServerAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Shutdown();
        return server;
    }

    private async Task StartServerAsync()
    {
        var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await RunAsync("pg_ctl", "-D", _dataDir, "-o", options, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start");
    }

    private void Shutdown()
    {
        try
        {
            StopAsync().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Data folders of earlier runs whose server is gone: the exit-time clean-up does not always get to run (the test
    /// host may end the process first). Only folders an hour old, so a server another process is starting is left alone.
    /// </summary>
    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), "mcpstack-pg-*"))
        {
            if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")) || Directory.GetLastWriteTimeUtc(folder) > DateTime.UtcNow.AddHours(-1)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or in use: not ours to insist on.
            }
        }
    }

    private Task RunAsync(string tool, params string[] args)
    {
        var path = Path.Combine(_binDir, tool);
        return IsRoot ? RunRawAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunRawAsync(path, args);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task RunRawAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }
}
