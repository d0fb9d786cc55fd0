using System.Data.Common;
using System.Globalization;

namespace McpStack.Data.RateLimits;

/// <summary>
/// Counts hits in <c>rate_limit_windows</c> with statements both providers run as they are. Plain ADO.NET on the
/// app's <see cref="DbDataSource"/> (the same pool as EF Core on PostgreSQL): the counter runs before every counted
/// request and needs no DI scope or DbContext; going through EF Core measured the same within noise (bench/README.md).
/// </summary>
public static class RateLimitWindows
{
    public const string Table = "rate_limit_windows";

    private const string Upsert = """
        INSERT INTO rate_limit_windows (partition, window_start, hits) VALUES (@partition, @window, 1)
        ON CONFLICT (partition, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
        RETURNING hits
        """;

    private const string DeleteOlder = "DELETE FROM rate_limit_windows WHERE partition = @partition AND window_start < @window";

    /// <summary>
    /// Counts one hit in the partition's window and returns the window's count including it: one atomic upsert, so
    /// replicas counting at once never lose a hit. The partition's older windows are deleted when its new one opens.
    /// </summary>
    public static async Task<int> HitAsync(this DbDataSource dataSource, string partition, long windowStart, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var upsert = Command(connection, Upsert, partition, windowStart);
        var hits = Convert.ToInt32(await upsert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (hits == 1)
        {
            await using var delete = Command(connection, DeleteOlder, partition, windowStart);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        return hits;
    }

    private static DbCommand Command(DbConnection connection, string sql, string partition, long windowStart)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Add(command, "@partition", partition);
        Add(command, "@window", windowStart);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
