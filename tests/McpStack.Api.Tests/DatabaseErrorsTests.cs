using System.Net.Sockets;
using McpStack.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace McpStack.Api.Tests;

/// <summary>Which database errors are an outage (503 with Retry-After) and which are bugs (500, logged).</summary>
public sealed class DatabaseErrorsTests
{
    public static TheoryData<string, Exception, bool> Errors => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true },
        { "wrapped by EF Core", new DbUpdateException("An error occurred", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))), true },
        { "SQLite busy", new SqliteException("database is locked", 5), true },
        { "unique violation", new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"), false },
        { "syntax error", new PostgresException("syntax error at or near", "ERROR", "ERROR", "42601"), false },
        { "SQLite constraint", new SqliteException("UNIQUE constraint failed", 19), false },
        { "a bug", new InvalidOperationException("not a database error"), false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Only_failures_to_reach_the_database_count_as_an_outage(string what, Exception error, bool outage) =>
        Assert.True(DomainExceptionHandler.IsDatabaseUnavailable(error) == outage, what);
}
