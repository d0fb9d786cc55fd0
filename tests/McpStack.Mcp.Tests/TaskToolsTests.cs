using McpStack.Data.Entities;
using McpStack.Data.Tasks;
using McpStack.Mcp.Tools;
using ModelContextProtocol.Client;

namespace McpStack.Mcp.Tests;

/// <summary>The task tools through the real MCP protocol over HTTP, with the official SDK's client.</summary>
public abstract class TaskToolsTests<TServer>(TServer fixture) : IAsyncLifetime where TServer : McpServerFixture
{
    // Each test class instance gets its own users, so tests sharing a server never see each other's rows.
    private readonly string _alice = "alice-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _bob = "bob-" + Guid.NewGuid().ToString("N")[..8];
    private McpClient _aliceClient = null!;
    private McpClient _bobClient = null!;

    public async Task InitializeAsync()
    {
        _aliceClient = await fixture.ConnectAsAsync(_alice);
        _bobClient = await fixture.ConnectAsAsync(_bob);
    }

    public async Task DisposeAsync()
    {
        await _aliceClient.DisposeAsync();
        await _bobClient.DisposeAsync();
    }

    private static Task<ModelContextProtocol.Protocol.CallToolResult> Call(McpClient client, string tool, Dictionary<string, object?>? args = null) =>
        client.CallToolAsync(tool, args ?? []).AsTask();

    private static async Task<TaskDto> AddAsync(McpClient client, string title, Dictionary<string, object?>? more = null)
    {
        var args = new Dictionary<string, object?>(more ?? []) { ["title"] = title };
        return (await Call(client, "add_task", args)).Structured<TaskDto>();
    }

    [Fact]
    public async Task Lists_the_tools_with_descriptions_and_no_user_id_parameter()
    {
        var tools = await _aliceClient.ListToolsAsync();
        Assert.Equal(ToolCatalog.OfServer().Names, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tool in tools)
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description));
            var schema = tool.JsonSchema.GetRawText();
            Assert.DoesNotContain("user", schema, StringComparison.OrdinalIgnoreCase);
            Assert.NotNull(tool.ProtocolTool.OutputSchema);
        }
        var add = tools.Single(t => t.Name == "add_task").JsonSchema;
        Assert.Equal("title", Assert.Single(add.GetProperty("required").EnumerateArray()).GetString());
        Assert.True(tools.Single(t => t.Name == "delete_task").ProtocolTool.Annotations?.DestructiveHint);
        Assert.True(tools.Single(t => t.Name == "list_tasks").ProtocolTool.Annotations?.ReadOnlyHint);
    }

    [Fact]
    public async Task Adds_and_lists_the_callers_own_tasks()
    {
        var added = await AddAsync(_aliceClient, "Buy milk", new() { ["description"] = "semi-skimmed", ["priority"] = "high", ["dueAt"] = "2026-12-01T17:00:00Z" });
        Assert.Equal("Buy milk", added.Title);
        Assert.Equal(TaskPriority.High, added.Priority);
        Assert.Equal(new DateTime(2026, 12, 1, 17, 0, 0, DateTimeKind.Utc), added.DueAt);

        var list = (await Call(_aliceClient, "list_tasks")).Structured<TaskListResult>();
        var task = Assert.Single(list.Tasks);
        Assert.Equal(added.Id, task.Id);
        Assert.Equal("semi-skimmed", task.Description);
        Assert.Equal(1, list.Total);
    }

    [Fact]
    public async Task Another_user_can_neither_see_nor_change_the_task()
    {
        var task = await AddAsync(_aliceClient, "Alice's secret");
        var id = task.Id.ToString();

        Assert.Empty((await Call(_bobClient, "list_tasks")).Structured<TaskListResult>().Tasks);
        foreach (var (tool, args) in new[]
                 {
                     ("complete_task", new Dictionary<string, object?> { ["id"] = id }),
                     ("update_task", new Dictionary<string, object?> { ["id"] = id, ["title"] = "pwned" }),
                     ("delete_task", new Dictionary<string, object?> { ["id"] = id }),
                 })
        {
            // The tool's message as is: a refusal, not a failure the SDK reports (and logs as an error) with its prefix.
            Assert.Equal($"No task with id {id} was found.", (await Call(_bobClient, tool, args)).Error());
        }

        var unchanged = Assert.Single((await Call(_aliceClient, "list_tasks")).Structured<TaskListResult>().Tasks);
        Assert.Equal("Alice's secret", unchanged.Title);
        Assert.False(unchanged.Completed);
        Assert.Equal(1, unchanged.Version);
    }

    [Fact]
    public async Task Completes_updates_and_deletes()
    {
        var task = await AddAsync(_aliceClient, "Draft");
        var completed = (await Call(_aliceClient, "complete_task", new() { ["id"] = task.Id.ToString() })).Structured<TaskDto>();
        Assert.True(completed.Completed);
        Assert.Equal(2, completed.Version);

        var updated = (await Call(_aliceClient, "update_task", new() { ["id"] = task.Id.ToString(), ["title"] = "Final", ["completed"] = false, ["priority"] = "low" })).Structured<TaskDto>();
        Assert.Equal("Final", updated.Title);
        Assert.False(updated.Completed);
        Assert.Equal(TaskPriority.Low, updated.Priority);

        var deleted = (await Call(_aliceClient, "delete_task", new() { ["id"] = task.Id.ToString() })).Structured<DeletedTask>();
        Assert.True(deleted.Deleted);
        Assert.Equal("Final", deleted.Title);
        Assert.Empty((await Call(_aliceClient, "list_tasks")).Structured<TaskListResult>().Tasks);
        Assert.Contains("No task with id", (await Call(_aliceClient, "delete_task", new() { ["id"] = task.Id.ToString() })).Error(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_and_pages()
    {
        for (var i = 1; i <= 5; i++)
        {
            var task = await AddAsync(_aliceClient, $"Task {i}");
            if (i <= 2) await Call(_aliceClient, "complete_task", new() { ["id"] = task.Id.ToString() });
        }
        var pending = (await Call(_aliceClient, "list_tasks", new() { ["status"] = "pending", ["limit"] = 2 })).Structured<TaskListResult>();
        Assert.Equal(["Task 3", "Task 4"], pending.Tasks.Select(t => t.Title));
        Assert.Equal(3, pending.Total);
        Assert.True(pending.HasMore);
        var next = (await Call(_aliceClient, "list_tasks", new() { ["status"] = "pending", ["limit"] = 2, ["offset"] = 2 })).Structured<TaskListResult>();
        Assert.Equal(["Task 5"], next.Tasks.Select(t => t.Title));
        Assert.False(next.HasMore);
        var done = (await Call(_aliceClient, "list_tasks", new() { ["status"] = "completed" })).Structured<TaskListResult>();
        Assert.Equal(["Task 1", "Task 2"], done.Tasks.Select(t => t.Title));
    }

    public static TheoryData<string, Dictionary<string, object?>, string> BadArguments => new()
    {
        { "add_task", new() { ["title"] = "" }, "The title cannot be empty." },
        { "add_task", new() { ["title"] = new string('x', 201) }, "The title is 201 characters long; the limit is 200." },
        { "add_task", new() { ["title"] = "ok", ["description"] = new string('x', 2001) }, "the limit is 2000" },
        { "complete_task", new() { ["id"] = "not-an-id" }, "'not-an-id' is not a task id" },
        { "update_task", new() { ["id"] = "" }, "A task id is required." },
        { "delete_task", new() { ["id"] = Guid.CreateVersion7().ToString() }, "No task with id" },
        { "list_tasks", new() { ["limit"] = 0 }, "limit must be between 1 and 100." },
        { "list_tasks", new() { ["offset"] = -3 }, "offset must be 0 or more." },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_are_tool_errors_with_clear_messages(string tool, Dictionary<string, object?> args, string expected)
    {
        var message = (await Call(_aliceClient, tool, args)).Error();
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Empty((await Call(_aliceClient, "list_tasks")).Structured<TaskListResult>().Tasks);
    }

    [Theory]
    [InlineData("list_tasks", "status", "someday")]
    [InlineData("add_task", "priority", "urgent")]
    [InlineData("list_tasks", "limit", "many")]
    public async Task Arguments_of_the_wrong_type_are_tool_errors(string tool, string name, string value)
    {
        var args = new Dictionary<string, object?> { [name] = value };
        if (tool == "add_task") args["title"] = "ok";
        var result = await Call(_aliceClient, tool, args);
        Assert.True(result.IsError);
        Assert.DoesNotContain("   at ", result.Text(), StringComparison.Ordinal);
        Assert.Empty((await Call(_aliceClient, "list_tasks")).Structured<TaskListResult>().Tasks);
    }

    [Fact]
    public async Task Health_reports_the_database()
    {
        var health = (await Call(_aliceClient, "health")).Structured<HealthResult>();
        Assert.Equal("ok", health.Status);
        Assert.True(health.DatabaseReachable);
    }
}

public sealed class SqliteTaskToolsTests(SqliteMcpServer fixture) : TaskToolsTests<SqliteMcpServer>(fixture), IClassFixture<SqliteMcpServer>;

public sealed class PostgresTaskToolsTests(PostgresMcpServer fixture) : TaskToolsTests<PostgresMcpServer>(fixture), IClassFixture<PostgresMcpServer>;
