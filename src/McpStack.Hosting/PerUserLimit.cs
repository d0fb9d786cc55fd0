using System.Globalization;
using System.Threading.RateLimiting;

namespace McpStack.Hosting;

/// <summary>
/// A fixed budget per user and minute (writes, chat turns), named so that limits do not share counts. Counted in
/// the database when <see cref="RateLimitCounter.Shared"/> (every replica spends from one budget), else in this
/// process; while the database cannot count, in this process too (each replica then allows the budget once).
/// Refusals say when the budget refills.
/// </summary>
public class PerUserLimit(string name, int perMinute, RateLimitCounter counter) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _local = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = Window,
            QueueLimit = 0,
        }));

    public int PerMinute => perMinute;

    /// <summary>Takes one from <paramref name="userId"/>'s budget; when it is spent, says how long until it refills.</summary>
    public async ValueTask<(bool Taken, TimeSpan RetryAfter)> TryTakeAsync(string userId, CancellationToken cancellationToken)
    {
        if (counter.Shared)
        {
            var (hits, windowEnd) = await counter.HitAsync($"{name}:{userId}", Window, cancellationToken);
            if (hits is { } count) return (count <= perMinute, windowEnd);
        }
        using var lease = _local.AttemptAcquire(userId);
        return (lease.IsAcquired, lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window);
    }

    /// <summary>What a refusal says, in words a person (or a model relaying it) can act on.</summary>
    public virtual string Refusal(TimeSpan retryAfter) => string.Create(CultureInfo.InvariantCulture,
        $"The write limit ({PerMinute} a minute) is reached; nothing was changed. Try again in {Seconds(retryAfter)} s.");

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public void Dispose()
    {
        _local.Dispose();
        GC.SuppressFinalize(this);
    }
}
