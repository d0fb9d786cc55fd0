using System.Data.Common;
using McpStack.Data;
using McpStack.Data.RateLimits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpStack.Hosting;

/// <summary>Where per-user limits are counted.</summary>
public enum RateLimitStore
{
    /// <summary>The database on PostgreSQL (the multi-replica deployment), this process on SQLite (one process, one file).</summary>
    Auto,

    /// <summary>In each process: N replicas allow N budgets.</summary>
    Process,

    /// <summary>In the <c>rate_limit_windows</c> table: one budget across every replica, one upsert per counted request.</summary>
    Database,
}

public sealed class RateLimitStoreOptions
{
    public const string SectionName = "RateLimits";

    public RateLimitStore Store { get; set; } = RateLimitStore.Auto;
}

/// <summary>
/// Counts hits of fixed windows in the database (<see cref="RateLimitWindows"/>) for every <see cref="PerUserLimit"/>
/// of a process. When the database cannot be reached it answers no count, and the limit falls back to counting in the
/// process: the service keeps serving (what it does next needs the database anyway, and says so), and limits stay.
/// </summary>
public sealed partial class RateLimitCounter(
    DbDataSource dataSource, DatabaseConnection database, IOptions<RateLimitStoreOptions> options, TimeProvider timeProvider,
    ILogger<RateLimitCounter> logger)
{
    private int _unreachable;

    public bool Shared { get; } = options.Value.Store switch
    {
        RateLimitStore.Database => true,
        RateLimitStore.Process => false,
        _ => database.Provider == DatabaseProvider.Postgres,
    };

    /// <summary>The partition's count in the current window including this hit (null if it could not be counted), and the time until the window ends.</summary>
    public async ValueTask<(int? Hits, TimeSpan UntilWindowEnds)> HitAsync(string partition, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var windowStart = now.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        var untilEnd = DateTimeOffset.FromUnixTimeMilliseconds((windowStart + 1) * (long)window.TotalMilliseconds) - now;
        try
        {
            var hits = await dataSource.HitAsync(partition, windowStart, cancellationToken);
            if (Interlocked.Exchange(ref _unreachable, 0) == 1) LogCountingAgain(logger);
            return (hits, untilEnd);
        }
        catch (Exception e) when (DomainExceptionHandler.IsDatabaseUnavailable(e))
        {
            if (Interlocked.Exchange(ref _unreachable, 1) == 0) LogCountingLocally(logger, e);
            return (null, untilEnd);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limits cannot be counted in the database; counting in this process until it answers again")]
    private static partial void LogCountingLocally(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limits are counted in the database again")]
    private static partial void LogCountingAgain(ILogger logger);
}
