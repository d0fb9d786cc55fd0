using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace McpStack.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Reads the database from <c>DATABASE_URL</c>, else <c>ConnectionStrings:Database</c>, else the SQLite default.
    /// A relative SQLite path is taken from <paramref name="contentRoot"/>, so it does not depend on the working directory.
    /// </summary>
    public static DatabaseConnection GetDatabaseConnection(this IConfiguration configuration, string contentRoot) =>
        DatabaseConnection.Parse(configuration["DATABASE_URL"] ?? configuration.GetConnectionString("Database")).RelativeTo(contentRoot);

    /// <summary>
    /// Registers <see cref="AppDbContext"/> for the configured provider and the domain services.
    /// The caller registers the <see cref="ICurrentUser"/> that fits its host.
    /// </summary>
    public static IServiceCollection AddAppData(this IServiceCollection services, DatabaseConnection database)
    {
        services.AddSingleton(database);
        services.TryAddSingleton(TimeProvider.System);
        // Pooled contexts (their options and internal services built once, not per request); each scope leases one
        // acting for its current user (the host registers ICurrentUser) and returns it when the scope ends.
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteFolder(database.ConnectionString);
                services.AddPooledDbContextFactory<SqliteAppDbContext>(o => o.UseSqlite(database.ConnectionString));
                services.AddScoped<AppDbContext>(provider => Lease<SqliteAppDbContext>(provider));
                services.AddSingleton(SqliteFactory.Instance.CreateDataSource(database.ConnectionString));
                break;
            case DatabaseProvider.Postgres:
                // One pool for EF Core and for the few statements that go around it (DbDataSource, as the rate limits use).
                services.AddSingleton<DbDataSource>(_ => NpgsqlDataSource.Create(database.ConnectionString));
                services.AddPooledDbContextFactory<PostgresAppDbContext>((provider, o) => o.UseNpgsql(provider.GetRequiredService<DbDataSource>()));
                services.AddScoped<AppDbContext>(provider => Lease<PostgresAppDbContext>(provider));
                break;
        }
        // Each feature's service (TaskService, and any added later): one per request, beside the request's DbContext.
        foreach (var service in typeof(IDataService).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDataService).IsAssignableFrom(t)))
        {
            services.TryAddScoped(service);
        }
        return services;
    }

    private static AppDbContext Lease<TContext>(IServiceProvider provider) where TContext : AppDbContext =>
        provider.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext()
            .ActFor(provider.GetRequiredService<ICurrentUser>(), provider.GetRequiredService<TimeProvider>());

    /// <summary>
    /// Builds the EF Core model and opens a first connection (a third of a fresh process's time to its first answer),
    /// so that the first request finds both done. Outside a request the scope's context acts for nobody; it reads no rows.
    /// </summary>
    public static async Task WarmUpDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        _ = db.Model;
        await db.Database.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Applies pending migrations; safe to run from several processes at once (EF Core takes a migration lock).</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging (kept in the file): readers no longer wait for writers and a commit costs far
            // less, with the same durability (synchronous stays FULL). See bench/README.md for what it bought.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private static void EnsureSqliteFolder(string connectionString)
    {
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder) && path != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
    }
}
