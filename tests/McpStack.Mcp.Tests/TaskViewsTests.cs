using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpStack.Data.Tasks;
using McpStack.Mcp.Apps;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tests;

/// <summary>
/// The task tools' MCP Apps views through the real protocol, on both revisions: the extension declared, each tool linked
/// to its view, the views served as self-contained HTML with their content security policy, the view-only tool kept for
/// views and acting for the token's user only. (The views running in a host: web/e2e/chat-views.test.mjs.)
/// </summary>
public sealed partial class TaskViewsTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>
{
    private static string NewUser(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<McpClient> ConnectAsync(string user, string revision) =>
        await fixture.Server.ConnectAsync(fixture.TokenFor(user), new McpClientOptions { ProtocolVersion = revision });

    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-11-25")]
    public async Task Tools_link_to_their_views_and_the_server_declares_the_extension(string revision)
    {
        await using var client = await ConnectAsync(NewUser("ann"), revision);
        Assert.NotNull(client.ServerCapabilities.Extensions);
        Assert.True(client.ServerCapabilities.Extensions!.ContainsKey(McpApps.ExtensionId));

        var tools = (await client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool.Meta?["ui"]);
        Assert.Equal(TaskViews.ListUri, (string?)tools["list_tasks"]?["resourceUri"]);
        foreach (var single in new[] { "add_task", "complete_task", "update_task", "delete_task", "get_task" })
        {
            Assert.Equal(TaskViews.TaskUri, (string?)tools[single]?["resourceUri"]);
        }
        // get_task is the task view's own (its Refresh); the others are the model's and the views' alike.
        Assert.Equal(["app"], tools["get_task"]!["visibility"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["model", "app"], tools["list_tasks"]!["visibility"]!.AsArray().Select(v => (string?)v));
        Assert.Null(tools["health"]);
    }

    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-11-25")]
    public async Task Views_are_listed_and_read_as_self_contained_html_with_their_policy(string revision)
    {
        await using var client = await ConnectAsync(NewUser("ben"), revision);
        // The task views (a solution's own entities add theirs beside them).
        var listed = (await client.ListResourcesAsync()).Where(r => r.Uri.StartsWith("ui://tasks/", StringComparison.Ordinal)).ToList();
        Assert.Equal([TaskViews.ListUri, TaskViews.TaskUri], listed.Select(r => r.Uri).Order(StringComparer.Ordinal));
        Assert.All(listed, r => Assert.Equal(McpApps.HtmlMimeType, r.MimeType));
        Assert.All(listed, r => Assert.Empty(r.ProtocolResource.Meta!["ui"]!["csp"]!["connectDomains"]!.AsArray()));

        foreach (var uri in new[] { TaskViews.ListUri, TaskViews.TaskUri })
        {
            var read = await client.ReadResourceAsync(uri);
            var view = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
            Assert.Equal((uri, McpApps.HtmlMimeType), (view.Uri, view.MimeType));
            Assert.True(JsonNode.DeepEquals(listed.Single(r => r.Uri == uri).ProtocolResource.Meta!["ui"], view.Meta!["ui"]), "the read carries the listing's policy");
            // The view kit is in the page, and nothing is loaded from elsewhere: hosts block undeclared origins.
            Assert.Contains("\"ui/initialize\"", view.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("<!--view-kit-->", view.Text, StringComparison.Ordinal);
            Assert.Empty(ExternalReference().Matches(view.Text));
            Assert.Contains("<noscript>", view.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_view_only_tool_reads_the_users_own_task_only()
    {
        await using var alice = await ConnectAsync(NewUser("alice"), "2026-07-28");
        await using var bob = await ConnectAsync(NewUser("bob"), "2026-07-28");
        var task = (await alice.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = "Alice's plan" })).Structured<TaskDto>();

        var mine = await alice.CallToolAsync("get_task", new Dictionary<string, object?> { ["id"] = task.Id.ToString() });
        Assert.Equal("Alice's plan", mine.Structured<TaskDto>().Title);

        var theirs = await bob.CallToolAsync("get_task", new Dictionary<string, object?> { ["id"] = task.Id.ToString() });
        Assert.True(theirs.IsError);
        var text = string.Concat(theirs.Content.OfType<TextContentBlock>().Select(c => c.Text));
        Assert.Contains("No task with id", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Alice's plan", text, StringComparison.Ordinal);
    }

    [GeneratedRegex("""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
