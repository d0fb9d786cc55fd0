using Npgsql;

namespace McpStack.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A database to use, read from <c>DATABASE_URL</c> or a connection string. Accepts what the Python pattern
/// accepts (<c>postgresql://user:pass@host:port/db</c>, <c>sqlite:///path</c>) as well as ADO.NET strings.
/// </summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqlitePath = "data/mcpstack.db";

    public static DatabaseConnection Default { get; } = Sqlite(DefaultSqlitePath);

    public static DatabaseConnection Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        value = value.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new(DatabaseProvider.Postgres, FromPostgresUrl(value));
        }

        if (value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            // SQLAlchemy style: sqlite:///relative/path.db and sqlite:////absolute/path.db
            var path = value["sqlite:".Length..];
            path = path.StartsWith("///", StringComparison.Ordinal) ? path[3..] : path.TrimStart('/');
            if (path.Length == 0)
            {
                throw new FormatException("DATABASE_URL 'sqlite:' needs a file path, e.g. sqlite:///data/mcpstack.db.");
            }
            return Sqlite(path);
        }

        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase) || value.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new(DatabaseProvider.Postgres, value);
        }

        if (value.Contains("Data Source=", StringComparison.OrdinalIgnoreCase) || value.Contains("DataSource=", StringComparison.OrdinalIgnoreCase))
        {
            return new(DatabaseProvider.Sqlite, value);
        }

        throw new FormatException(
            "The database setting is neither a postgresql:// or sqlite:/// URL nor a connection string " +
            "(Host=... for PostgreSQL, Data Source=... for SQLite).");
    }

    public static DatabaseConnection Sqlite(string path) => new(DatabaseProvider.Sqlite, $"Data Source={path}");

    /// <summary>This connection with a relative SQLite file path made absolute against <paramref name="baseDirectory"/>.</summary>
    public DatabaseConnection RelativeTo(string baseDirectory)
    {
        if (Provider != DatabaseProvider.Sqlite) return this;
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString);
        if (builder.DataSource is ":memory:" or "" || Path.IsPathRooted(builder.DataSource)) return this;
        builder.DataSource = Path.GetFullPath(Path.Combine(baseDirectory, builder.DataSource));
        return this with { ConnectionString = builder.ConnectionString };
    }

    /// <summary>The connection string without its password, for logs.</summary>
    public string Redacted => Provider == DatabaseProvider.Postgres
        ? new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString
        : ConnectionString;

    private static string FromPostgresUrl(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            // libpq spells it sslmode; Npgsql understands "SSL Mode".
            builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = val;
        }
        return builder.ConnectionString;
    }
}
