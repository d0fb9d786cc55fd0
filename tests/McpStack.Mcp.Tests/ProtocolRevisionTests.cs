using McpStack.Data.Tasks;
using McpStack.Mcp.Tools;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tests;

/// <summary>
/// The server serves both revisions clients speak today: 2026-07-28 (stateless core, <c>server/discover</c>, multi
/// round-trip requests, cacheable lists), which the C# SDK prefers, and 2025-11-25 (the initialize handshake), which
/// the TypeScript SDK and most clients still speak.
/// </summary>
public sealed class ProtocolRevisionTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>
{
    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-11-25")]
    public async Task Each_revision_negotiates_and_uses_every_kind_of_tool(string revision)
    {
        await using var client = await fixture.Server.ConnectAsync(
            fixture.TokenFor("rev-" + Guid.NewGuid().ToString("N")[..8]), new McpClientOptions { ProtocolVersion = revision });
        Assert.Equal(revision, client.NegotiatedProtocolVersion);

        var tools = await client.ListToolsAsync();
        Assert.Equal(ToolCatalog.OfServer().Names, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        var added = (await client.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = $"On {revision}" })).Structured<TaskDto>();
        var done = (await client.CallToolAsync("complete_task", new Dictionary<string, object?> { ["id"] = added.Id.ToString() })).Structured<TaskDto>();
        Assert.True(done.Completed);
        var page = (await client.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["status"] = "completed" })).Structured<TaskListResult>();
        Assert.Equal([$"On {revision}"], page.Tasks.Select(t => t.Title));
        Assert.True((await client.CallToolAsync("delete_task", new Dictionary<string, object?> { ["id"] = added.Id.ToString() })).Structured<DeletedTask>().Deleted);
    }

    [Fact]
    public async Task On_2026_07_28_the_tool_list_is_cacheable_by_anyone_for_five_minutes()
    {
        await using var client = await fixture.Server.ConnectAsync(fixture.TokenFor("cache-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);

        var list = await client.ListToolsAsync(new ListToolsRequestParams());

        Assert.Equal(TimeSpan.FromMinutes(5), list.TimeToLive);
        Assert.Equal(CacheScope.Public, list.CacheScope);
    }

    [Fact]
    public async Task On_2025_11_25_the_list_has_no_caching_fields_which_that_revision_does_not_know()
    {
        await using var client = await fixture.Server.ConnectAsync(
            fixture.TokenFor("cache-" + Guid.NewGuid().ToString("N")[..8]), new McpClientOptions { ProtocolVersion = "2025-11-25" });

        var list = await client.ListToolsAsync(new ListToolsRequestParams());

        Assert.Null(list.TimeToLive);
        Assert.Null(list.CacheScope);
    }
}
