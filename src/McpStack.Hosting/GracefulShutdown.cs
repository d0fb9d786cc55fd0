using System.ComponentModel.DataAnnotations;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpStack.Hosting;

/// <summary>How a replica leaves: bound from the <c>Shutdown</c> section.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// After SIGTERM, how long the service keeps taking requests while <c>/health/ready</c> answers 503, so a load
    /// balancer or Kubernetes takes it out of rotation before it stops listening. None by default (one process on a
    /// laptop, the tests); the compose file and the Kubernetes manifests set 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Shutdown:ReadinessDelay must be between 0 and 1 minute.")]
    public TimeSpan ReadinessDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Then, how long requests in flight (a chat turn being written) get to finish before they are cut.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Shutdown:DrainTime must be between 1 second and 10 minutes.")]
    public TimeSpan DrainTime { get; set; } = TimeSpan.FromSeconds(25);
}

/// <summary>
/// Replaces the console lifetime's stop-at-once on SIGTERM (and Ctrl+C) with: readiness red, keep serving for
/// <see cref="ShutdownOptions.ReadinessDelay"/>, then stop listening and let requests in flight finish within
/// <see cref="ShutdownOptions.DrainTime"/> (the host's shutdown timeout). A second signal stops at once.
/// </summary>
public sealed partial class GracefulShutdown(IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options, TimeProvider timeProvider, ILogger<GracefulShutdown> logger)
    : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _draining;

    /// <summary>Whether the service has been asked to stop and is letting its load balancer notice.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                Begin(context.Signal.ToString());
            }));
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts leaving (as SIGTERM does); a second call stops at once.</summary>
    public void Begin(string reason)
    {
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            lifetime.StopApplication();
            return;
        }
        var delay = options.Value.ReadinessDelay;
        LogDraining(logger, reason, delay, options.Value.DrainTime);
        if (delay <= TimeSpan.Zero)
        {
            lifetime.StopApplication();
            return;
        }
        _ = Task.Delay(delay, timeProvider).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var signal in _signals) signal.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reason}: leaving. Readiness answers 503 for {Delay}, then requests in flight get {DrainTime} to finish.")]
    private static partial void LogDraining(ILogger logger, string reason, TimeSpan delay, TimeSpan drainTime);
}

/// <summary>Readiness is red from the moment the service starts leaving.</summary>
internal sealed class ShutdownHealthCheck(GracefulShutdown shutdown) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(shutdown.IsDraining ? HealthCheckResult.Unhealthy("Shutting down.") : HealthCheckResult.Healthy());
}

public static class GracefulShutdownExtensions
{
    public static IHostApplicationBuilder AddGracefulShutdown(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().Bind(builder.Configuration.GetSection(ShutdownOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddSingleton<IHostLifetime>(sp => sp.GetRequiredService<GracefulShutdown>());
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.DrainTime);
        builder.Services.AddHealthChecks().AddCheck<ShutdownHealthCheck>("shutdown", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }
}
