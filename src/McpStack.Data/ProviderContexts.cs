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
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);
