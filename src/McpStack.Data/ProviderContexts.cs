using Microsoft.EntityFrameworkCore;

namespace McpStack.Data;

/// <summary>SQLite flavour of <see cref="AppDbContext"/>; owns the SQLite migrations.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<SqliteUtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<SqliteUtcDateTimeConverter>();
    }
}

/// <summary>PostgreSQL flavour of <see cref="AppDbContext"/>; owns the PostgreSQL migrations.</summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Unlogged, so counting a write costs no WAL flush; a crash forgets at most the current minute's counts.
        // Said here, not in the entity's configuration, which SQLite runs too: Npgsql's model-building extension would
        // load Npgsql's EF Core provider (1 MiB) into a process that never uses it.
        modelBuilder.Entity<RateLimits.RateLimitWindow>().IsUnlogged();
    }
}
