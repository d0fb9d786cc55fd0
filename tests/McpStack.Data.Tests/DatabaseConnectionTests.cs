using McpStack.Data;
using Npgsql;

namespace McpStack.Data.Tests;

public class DatabaseConnectionTests
{
    [Fact]
    public void Defaults_to_a_sqlite_file_under_data()
    {
        var connection = DatabaseConnection.Parse(null);
        Assert.Equal(DatabaseProvider.Sqlite, connection.Provider);
        Assert.Equal("Data Source=data/mcpstack.db", connection.ConnectionString);
    }

    [Theory]
    [InlineData("postgresql://app:s%40cret@db.example:6543/tasks?sslmode=require")]
    [InlineData("postgres://app:s%40cret@db.example:6543/tasks?sslmode=require")]
    public void Reads_postgres_urls(string url)
    {
        var connection = DatabaseConnection.Parse(url);
        Assert.Equal(DatabaseProvider.Postgres, connection.Provider);
        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("tasks", builder.Database);
        Assert.Equal("app", builder.Username);
        Assert.Equal("s@cret", builder.Password);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.DoesNotContain("s@cret", connection.Redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_url_without_port_uses_5432()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseConnection.Parse("postgresql://u@localhost/db").ConnectionString);
        Assert.Equal(5432, builder.Port);
        Assert.Null(builder.Password);
    }

    [Theory]
    [InlineData("sqlite:///data/app.db", "Data Source=data/app.db")]
    [InlineData("sqlite:////var/lib/app.db", "Data Source=/var/lib/app.db")]
    [InlineData("Data Source=x.db", "Data Source=x.db")]
    public void Reads_sqlite_settings(string value, string expected)
    {
        var connection = DatabaseConnection.Parse(value);
        Assert.Equal(DatabaseProvider.Sqlite, connection.Provider);
        Assert.Equal(expected, connection.ConnectionString);
    }

    [Fact]
    public void Reads_an_npgsql_connection_string()
    {
        Assert.Equal(DatabaseProvider.Postgres, DatabaseConnection.Parse("Host=localhost;Database=x").Provider);
    }

    [Theory]
    [InlineData("mysql://u:p@h/db")]
    [InlineData("sqlite:")]
    public void Refuses_what_it_cannot_read_with_a_clear_message(string value)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseConnection.Parse(value));
        Assert.Contains("sqlite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_sqlite_paths_are_taken_from_the_content_root()
    {
        Assert.Equal("Data Source=/srv/app/data/mcpstack.db", DatabaseConnection.Parse(null).RelativeTo("/srv/app").ConnectionString);
        Assert.Equal("Data Source=/srv/data/x.db", DatabaseConnection.Parse("Data Source=../data/x.db").RelativeTo("/srv/app").ConnectionString);
        Assert.Equal("Data Source=/abs/x.db", DatabaseConnection.Parse("sqlite:////abs/x.db").RelativeTo("/srv/app").ConnectionString);
    }
}
