using McpStack.Data;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Testing;

/// <summary>A fresh, migrated database for one test class: a SQLite file or a database on the test PostgreSQL server.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqliteFile;

    private TestDatabase(DatabaseConnection connection, string? sqliteFile)
    {
        Connection = connection;
        _sqliteFile = sqliteFile;
    }

    public DatabaseConnection Connection { get; }

    /// <summary>A database on the given PostgreSQL server (instead of the shared one).</summary>
    public static async Task<TestDatabase> CreateAsync(PostgresServer server)
    {
        var database = new TestDatabase(new DatabaseConnection(DatabaseProvider.Postgres, await server.CreateDatabaseAsync()), null);
        await using var services = database.CreateServices(NoCurrentUser.Instance);
        await services.MigrateDatabaseAsync();
        return database;
    }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        TestDatabase database;
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), "mcpstack-tests", Guid.NewGuid().ToString("N") + ".db");
            database = new TestDatabase(DatabaseConnection.Sqlite(file), file);
        }
        else
        {
            var server = await PostgresServer.GetAsync();
            database = new TestDatabase(new DatabaseConnection(DatabaseProvider.Postgres, await server.CreateDatabaseAsync()), null);
        }
        await using var services = database.CreateServices(NoCurrentUser.Instance);
        await services.MigrateDatabaseAsync();
        return database;
    }

    /// <summary>Services wired as the apps wire them, acting for <paramref name="user"/>.</summary>
    public ServiceProvider CreateServices(ICurrentUser user, TimeProvider? timeProvider = null)
    {
        var services = new ServiceCollection().AddAppData(Connection);
        services.AddSingleton(user);
        if (timeProvider is not null) services.AddSingleton(timeProvider);
        return services.BuildServiceProvider();
    }

    /// <summary>The configuration value the apps read (<c>DATABASE_URL</c>).</summary>
    public string Url => Connection.Provider == DatabaseProvider.Sqlite ? "sqlite:///" + _sqliteFile : Connection.ConnectionString;

    public ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_sqliteFile + suffix);
            }
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fixed user, for tests that work below the HTTP layer.</summary>
public sealed class FixedUser(string? userId) : ICurrentUser
{
    public string? UserId { get; set; } = userId;
}
