using McpStack.Mcp.Tools;
using System.Text.Json;
using Json.Schema;
using ModelContextProtocol.Client;

namespace McpStack.Mcp.Tests;

/// <summary>
/// Every tool's structured result validated against the output schema the tool itself declares, with a standard
/// JSON Schema 2020-12 validator, as clients that validate (the TypeScript SDK, the MCP Inspector) do. Tasks with and
/// without each optional field, because a null left out where the schema requires the property is the classic miss.
/// </summary>
public sealed class OutputSchemaTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>, IAsyncLifetime
{
    private McpClient _client = null!;
    private Dictionary<string, JsonSchema> _schemas = null!;

    public async Task InitializeAsync()
    {
        _client = await fixture.ConnectAsAsync("schema-" + Guid.NewGuid().ToString("N")[..8]);
        var tools = await _client.ListToolsAsync();
        _schemas = tools.ToDictionary(t => t.Name, t =>
        {
            Assert.True(t.ProtocolTool.OutputSchema.HasValue, $"{t.Name} declares no output schema");
            return JsonSchema.Build(t.ProtocolTool.OutputSchema.Value);
        });
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    private async Task<JsonElement> CallValidAsync(string tool, Dictionary<string, object?> args)
    {
        var result = await _client.CallToolAsync(tool, args);
        Assert.True(result.IsError is null or false, $"{tool} failed: {result.Text()}");
        Assert.True(result.StructuredContent.HasValue, $"{tool} returned no structured content");
        var evaluation = _schemas[tool].Evaluate(result.StructuredContent.Value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, $"{tool}({JsonSerializer.Serialize(args)}) does not match its output schema: " +
            string.Join("; ", (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))) +
            $"\n{result.StructuredContent.Value.GetRawText()}");
        return result.StructuredContent.Value;
    }

    [Fact]
    public async Task Every_tool_declares_an_output_schema_and_the_tools_are_covered_here()
    {
        Assert.Equal(ToolCatalog.OfServer().Names, _schemas.Keys.Order(StringComparer.Ordinal));
        await CallValidAsync("health", []);
    }

    [Fact]
    public async Task Tasks_with_and_without_each_optional_field_match_the_schemas_of_every_tool()
    {
        var bare = await CallValidAsync("add_task", new() { ["title"] = "No due date, no description, no priority" });
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("dueAt").ValueKind);
        var full = await CallValidAsync("add_task", new()
        {
            ["title"] = "Everything set",
            ["description"] = "details",
            ["dueAt"] = "2026-12-24T18:00:00Z",
            ["priority"] = "high",
        });
        Assert.Equal(JsonValueKind.String, full.GetProperty("dueAt").ValueKind);

        var empty = await CallValidAsync("list_tasks", new() { ["status"] = "completed" });
        Assert.Equal(0, empty.GetProperty("total").GetInt32());
        var both = await CallValidAsync("list_tasks", new() { ["limit"] = 100 });
        Assert.Equal(2, both.GetProperty("tasks").GetArrayLength());
        await CallValidAsync("list_tasks", new() { ["limit"] = 1, ["offset"] = 1, ["status"] = "pending" });

        var id = full.GetProperty("id").GetString();
        await CallValidAsync("update_task", new() { ["id"] = id, ["clearDueAt"] = true, ["description"] = "" });
        await CallValidAsync("update_task", new() { ["id"] = id, ["dueAt"] = "2027-01-01T09:00:00Z", ["priority"] = "low" });
        await CallValidAsync("complete_task", new() { ["id"] = bare.GetProperty("id").GetString() });
        await CallValidAsync("complete_task", new() { ["id"] = bare.GetProperty("id").GetString(), ["completed"] = false });
        await CallValidAsync("delete_task", new() { ["id"] = bare.GetProperty("id").GetString() });
        await CallValidAsync("delete_task", new() { ["id"] = id });
    }

    [Fact]
    public async Task Refusals_are_tool_errors_without_structured_content_to_validate()
    {
        var result = await _client.CallToolAsync("complete_task", new Dictionary<string, object?> { ["id"] = Guid.NewGuid().ToString() });
        Assert.True(result.IsError);
        Assert.Null(result.StructuredContent);
        Assert.Contains("No task", result.Text(), StringComparison.Ordinal);
    }
}
