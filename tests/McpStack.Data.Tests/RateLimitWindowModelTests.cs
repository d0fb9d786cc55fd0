using McpStack.Data.RateLimits;
using McpStack.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Data.Tests;

/// <summary>
/// The rate-limit counts are unlogged on PostgreSQL (a write's count costs no WAL flush), which its own context says,
/// so SQLite's model never calls into Npgsql.
/// </summary>
public sealed class RateLimitWindowModelTests
{
    [Fact]
    public Task On_PostgreSQL_the_counts_table_is_unlogged_in_the_model_and_in_the_migrated_database() =>
        CheckAsync(DatabaseProvider.Postgres, async (db, counts) =>
        {
            Assert.True(counts.GetIsUnlogged());
            var persistence = await db.Database
                .SqlQuery<char>($"SELECT relpersistence AS \"Value\" FROM pg_class WHERE relname = {RateLimitWindows.Table}")
                .SingleAsync();
            Assert.Equal('u', persistence);
        });

    [Fact]
    public Task On_SQLite_the_model_carries_no_PostgreSQL_setting() =>
        CheckAsync(DatabaseProvider.Sqlite, (_, counts) =>
        {
            Assert.DoesNotContain(counts.GetAnnotations(), a => a.Name.StartsWith("Npgsql:", StringComparison.Ordinal));
            return Task.CompletedTask;
        });

    /// <summary>Runs <paramref name="check"/> on a migrated database and the design-time model's counts entity (the one migrations are made from).</summary>
    private static async Task CheckAsync(DatabaseProvider provider, Func<AppDbContext, IReadOnlyEntityType, Task> check)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = database.CreateServices(NoCurrentUser.Instance);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await check(db, db.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(RateLimitWindow))!);
    }
}
