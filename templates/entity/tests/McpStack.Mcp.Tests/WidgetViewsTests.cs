using McpStack.Data.Widgets;
using McpStack.Mcp.Apps;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tests;

/// <summary>The widgets' view (MCP Apps) and resources through the real protocol: linked, served, and each user's own.</summary>
public sealed class WidgetViewsTests(SqliteMcpServer fixture) : IClassFixture<SqliteMcpServer>
{
    [Fact]
    public async Task List_widgets_links_to_its_view_which_reads_as_self_contained_html()
    {
        await using var client = await fixture.ConnectAsAsync("viewer-" + Guid.NewGuid().ToString("N")[..8]);
        var list = (await client.ListToolsAsync()).Single(t => t.Name == "list_widgets");
        Assert.Equal(WidgetViews.ListUri, (string?)list.ProtocolTool.Meta?["ui"]?["resourceUri"]);

        var view = Assert.IsType<TextResourceContents>(Assert.Single((await client.ReadResourceAsync(WidgetViews.ListUri)).Contents));
        Assert.Equal(McpApps.HtmlMimeType, view.MimeType);
        Assert.Contains("\"ui/initialize\"", view.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("http", view.Text.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_widget_is_a_resource_of_its_user_only()
    {
        await using var alice = await fixture.ConnectAsAsync("alice-" + Guid.NewGuid().ToString("N")[..8]);
        await using var bob = await fixture.ConnectAsAsync("bob-" + Guid.NewGuid().ToString("N")[..8]);
        var mine = (await alice.CallToolAsync("add_widget", new Dictionary<string, object?> { ["name"] = "Attach me" })).Structured<WidgetDto>();

        Assert.Contains(await alice.ListResourcesAsync(), r => r.Uri == $"widget://{mine.Id}");
        Assert.DoesNotContain(await bob.ListResourcesAsync(), r => r.Uri == $"widget://{mine.Id}");
        var read = Assert.IsType<TextResourceContents>(Assert.Single((await alice.ReadResourceAsync($"widget://{mine.Id}")).Contents));
        Assert.Contains("Attach me", read.Text, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => bob.ReadResourceAsync($"widget://{mine.Id}").AsTask());
        Assert.DoesNotContain("Attach me", refused.Message, StringComparison.Ordinal);
    }
}
