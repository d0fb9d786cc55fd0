using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using McpStack.Mcp.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Buffers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using Npgsql;

namespace McpStack.Bench;

/// <summary>
/// The database ceiling of <c>list_tasks</c>: bare Kestrel running the same statements (the page and one row more, then
/// the count only when that row exists) with bare ADO.NET (Microsoft.Data.Sqlite or Npgsql) and writing the same
/// JSON-RPC answer (the SDK's types and JSON options), with no MCP, auth, DI scope or EF Core. What the data path could cost with nothing in the way.
/// </summary>
public static class DatabaseCeiling
{
    private const string Columns = "\"Id\", \"Title\", \"Description\", \"Completed\", \"DueAt\", \"Priority\", \"CreatedAt\", \"UpdatedAt\", \"Version\"";

    public static async Task RunAsync(int port, string databaseUrl)
    {
        var database = DatabaseConnection.Parse(databaseUrl);
        DbDataSource dataSource = database.Provider == DatabaseProvider.Postgres
            ? NpgsqlDataSource.Create(database.ConnectionString)
            : SqliteFactory.Instance.CreateDataSource(database.ConnectionString);
        string user;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var first = connection.CreateCommand())
        {
            first.CommandText = "SELECT \"UserId\" FROM tasks LIMIT 1";
            user = (string)(await first.ExecuteScalarAsync())!;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add($"http://127.0.0.1:{port}");
        app.MapPost("/mcp", async (HttpContext context) =>
        {
            var page = await ListAsync(dataSource, user, 50, 0, context.RequestAborted);
            // The answer list_tasks gives (structured content and its text copy), serialised once and framed by hand.
            var structured = JsonSerializer.SerializeToUtf8Bytes(page, McpJsonUtilities.DefaultOptions);
            context.Response.ContentType = "text/event-stream";
            var body = context.Response.BodyWriter;
            body.Write("event: message\ndata: {\"result\":{\"content\":[{\"type\":\"text\",\"text\":"u8);
            using (var writer = new Utf8JsonWriter(body))
            {
                writer.WriteStringValue(Encoding.UTF8.GetString(structured));
            }
            body.Write(",\"structuredContent\":"u8);
            body.Write(structured);
            body.Write("},\"id\":1,\"jsonrpc\":\"2.0\"}\n\n"u8);
            await body.FlushAsync(context.RequestAborted);
        });
        app.MapGet("/health", () => "ok");
        await app.RunAsync();
    }

    private static async Task<TaskListResult> ListAsync(DbDataSource dataSource, string user, int take, int skip, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tasks = new List<TaskDto>(take + 1);
        await using (var select = Command(connection, $"SELECT {Columns} FROM tasks WHERE \"UserId\" = @user ORDER BY \"CreatedAt\", \"Id\" LIMIT @take OFFSET @skip", user, take + 1, skip))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tasks.Add(new TaskDto(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                    reader.IsDBNull(4) ? null : Utc(reader.GetDateTime(4)),
                    Enum.Parse<TaskPriority>(reader.GetString(5), ignoreCase: true),
                    Utc(reader.GetDateTime(6)), Utc(reader.GetDateTime(7)), reader.GetInt32(8)));
            }
        }
        // As TaskService counts: only when the row past the page exists (or the page is past the end).
        var more = tasks.Count > take;
        if (more) tasks.RemoveAt(take);
        var total = skip + tasks.Count;
        if (more || (tasks.Count == 0 && skip > 0))
        {
            await using var count = Command(connection, "SELECT COUNT(*) FROM tasks WHERE \"UserId\" = @user", user, take, skip);
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        return new TaskListResult(tasks, total, take, skip, skip + tasks.Count < total);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DbCommand Command(DbConnection connection, string sql, string user, int take, int skip)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in new (string, object)[] { ("@user", user), ("@take", take), ("@skip", skip) })
        {
            if (!sql.Contains(name, StringComparison.Ordinal)) continue;
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
