using System.Globalization;
using System.Threading.RateLimiting;

namespace McpStack.Hosting;

/// <summary>A fixed budget of writes per user and minute, kept in this process; refusals say when it refills.</summary>
public class PerUserWriteLimit(int perMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public int PerMinute => perMinute;

    /// <summary>Takes one write for <paramref name="userId"/>; when the budget is spent, says how long until it refills.</summary>
    public bool TryTake(string userId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    /// <summary>What a refused write is told, in words a person (or a model relaying it) can act on.</summary>
    public string Refusal(TimeSpan retryAfter) => string.Create(CultureInfo.InvariantCulture,
        $"The write limit ({PerMinute} a minute) is reached; nothing was changed. Try again in {Seconds(retryAfter)} s.");

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public void Dispose()
    {
        _limiter.Dispose();
        GC.SuppressFinalize(this);
    }
}
