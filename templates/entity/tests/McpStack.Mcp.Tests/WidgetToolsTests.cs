using McpStack.Data.Widgets;
using ModelContextProtocol.Client;

namespace McpStack.Mcp.Tests;

/// <summary>The widget tools through the real MCP protocol over HTTP: each user sees and changes only their own.</summary>
public sealed class WidgetToolsTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>, IAsyncLifetime
{
    private McpClient _alice = null!;
    private McpClient _bob = null!;

    public async Task InitializeAsync()
    {
        _alice = await fixture.ConnectAsAsync("alice-" + Guid.NewGuid().ToString("N")[..8]);
        _bob = await fixture.ConnectAsAsync("bob-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
    }

    private static async Task<ModelContextProtocol.Protocol.CallToolResult> Call(McpClient client, string tool, Dictionary<string, object?> args) =>
        await client.CallToolAsync(tool, args);

    [Fact]
    public async Task A_user_adds_lists_updates_and_deletes_widgets()
    {
        var added = (await Call(_alice, "add_widget", new() { ["name"] = "  First  ", ["notes"] = "n" })).Structured<WidgetDto>();
        Assert.Equal("First", added.Name);
        Assert.Equal(1, added.Version);

        var updated = (await Call(_alice, "update_widget", new() { ["id"] = added.Id.ToString(), ["name"] = "Renamed" })).Structured<WidgetDto>();
        Assert.Equal(("Renamed", "n", 2), (updated.Name, updated.Notes, updated.Version));
        Assert.Equal(["Renamed"], (await Call(_alice, "list_widgets", [])).Structured<WidgetPage>().Items.Select(w => w.Name));

        (await Call(_alice, "delete_widget", new() { ["id"] = added.Id.ToString() })).Structured<WidgetDto>();
        Assert.Equal(0, (await Call(_alice, "list_widgets", [])).Structured<WidgetPage>().Total);
    }

    [Fact]
    public async Task Another_users_widget_is_not_found_and_stays_as_it_was()
    {
        var mine = (await Call(_alice, "add_widget", new() { ["name"] = "Mine" })).Structured<WidgetDto>();

        Assert.Contains("No widget", (await Call(_bob, "update_widget", new() { ["id"] = mine.Id.ToString(), ["name"] = "Taken" })).Error(), StringComparison.Ordinal);
        Assert.Contains("No widget", (await Call(_bob, "delete_widget", new() { ["id"] = mine.Id.ToString() })).Error(), StringComparison.Ordinal);
        Assert.Equal(0, (await Call(_bob, "list_widgets", [])).Structured<WidgetPage>().Total);

        var page = (await Call(_alice, "list_widgets", [])).Structured<WidgetPage>();
        Assert.Equal([("Mine", 1)], page.Items.Select(w => (w.Name, w.Version)));
    }

    [Theory]
    [InlineData("add_widget", "name", "", "The name cannot be empty.")]
    [InlineData("update_widget", "id", "not-an-id", "'not-an-id' is not a widget id")]
    [InlineData("list_widgets", "limit", 0, "limit must be between 1 and 100.")]
    public async Task Bad_input_is_a_tool_error_that_says_what_to_fix(string tool, string argument, object value, string message)
    {
        var result = await Call(_alice, tool, new() { [argument] = value });
        Assert.Contains(message, result.Error(), StringComparison.Ordinal);
    }
}
