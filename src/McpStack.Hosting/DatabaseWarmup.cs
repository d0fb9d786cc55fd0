using System.Diagnostics;
using McpStack.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpStack.Hosting;

/// <summary>
/// Warms the data layer (<see cref="DataServiceCollectionExtensions.WarmUpDatabaseAsync"/>) on another thread while the
/// app is still being put together and started, instead of inside the first request: a fresh replica is ready sooner.
/// A database that cannot be reached does not stop the start; the readiness probe reports it.
/// </summary>
public sealed partial class DatabaseWarmup(IServiceProvider services, ILogger<DatabaseWarmup> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _warming;
    private bool _disposed;

    /// <summary>Done when the warm-up is, whether the database answered or not (it never faults).</summary>
    public Task Completion => _warming ?? Task.CompletedTask;

    /// <summary>Starts warming, once; the host's start calls it too, for an app that did not start it earlier.</summary>
    public void Start()
    {
        lock (_gate) _warming ??= Task.Run(WarmAsync);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host stopped twice at once (RunAsync seeing a StopAsync called beside it) may dispose this before the second
        // stop reaches it: then there is nothing left to stop.
        lock (_gate)
        {
            if (_disposed) return;
            _stopping.Cancel();
        }
        if (_warming is { } warming) await warming.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _stopping.Dispose();
        }
    }

    private async Task WarmAsync()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await services.WarmUpDatabaseAsync(_stopping.Token);
            LogWarm(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            // Stopped before it was done, there is nothing to warm for; otherwise readiness reports the database.
            if (!_stopping.IsCancellationRequested) LogUnreachable(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Data layer warmed up in {Milliseconds:0} ms")]
    private static partial void LogWarm(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database could not be reached at start ({Reason}); /health/ready says when it can.")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}

public static class DatabaseWarmupExtensions
{
    /// <summary>Starts warming the data layer now, beside the rest of the app's set-up (call it right after Build).</summary>
    public static WebApplication WarmUpDatabase(this WebApplication app)
    {
        app.Services.GetRequiredService<DatabaseWarmup>().Start();
        return app;
    }
}
