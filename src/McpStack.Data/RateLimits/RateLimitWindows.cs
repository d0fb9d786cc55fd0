using Microsoft.EntityFrameworkCore;

namespace McpStack.Data.RateLimits;

/// <summary>Counts hits in <c>rate_limit_windows</c> with one statement both providers run as is.</summary>
public static class RateLimitWindows
{
    public const string Table = "rate_limit_windows";

    /// <summary>
    /// Counts one hit in the partition's window and returns the window's count including it: one atomic upsert, so
    /// replicas counting at once never lose a hit. The partition's older windows are deleted when its new one opens.
    /// </summary>
    public static async Task<int> HitAsync(this AppDbContext db, string partition, long windowStart, CancellationToken cancellationToken)
    {
        var hits = await db.Database.SqlQuery<int>($"""
            INSERT INTO rate_limit_windows (partition, window_start, hits) VALUES ({partition}, {windowStart}, 1)
            ON CONFLICT (partition, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
            RETURNING hits AS "Value"
            """).ToListAsync(cancellationToken);
        if (hits[0] == 1)
        {
            await db.Database.ExecuteSqlAsync(
                $"DELETE FROM rate_limit_windows WHERE partition = {partition} AND window_start < {windowStart}", cancellationToken);
        }
        return hits[0];
    }
}
