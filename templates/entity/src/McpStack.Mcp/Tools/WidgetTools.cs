using System.ComponentModel;
using McpStack.Data;
using McpStack.Data.Widgets;
using McpStack.Mcp.Apps;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Tools;

/// <summary>The widget tools. None takes a user id: each acts for the bearer token's subject; bad input is an isError result.</summary>
[McpServerToolType]
public sealed class WidgetTools(WidgetService widgets)
{
    [McpAppUi(ResourceUri = WidgetViews.ListUri)]
    [McpServerTool(Name = "list_widgets", Title = "List widgets", ReadOnly = true, UseStructuredContent = true)]
    [Description("Lists the signed-in user's widgets, oldest first; limit/offset page through them (hasMore tells whether there is more).")]
    public Task<WidgetPage> ListWidgets(
        [Description("How many to return, 1 to 100 (default 20).")] int limit = WidgetService.DefaultPageSize,
        [Description("How many to skip (default 0).")] int offset = 0,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(() => widgets.ListAsync(limit, offset, cancellationToken));

    [McpServerTool(Name = "add_widget", Title = "Add a widget", Idempotent = false, UseStructuredContent = true)]
    [Description("Adds a widget for the signed-in user and returns it, with its id.")]
    public Task<WidgetDto> AddWidget(
        [Description("Its name, 1 to 200 characters, one line.")] string name,
        [Description("Optional notes, up to 2000 characters.")] string? notes = null,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(() => widgets.AddAsync(name, notes, cancellationToken));

    [McpServerTool(Name = "update_widget", Title = "Update a widget", Idempotent = true, UseStructuredContent = true)]
    [Description("Changes one of the signed-in user's widgets: give only the fields to change. Returns it.")]
    public Task<WidgetDto> UpdateWidget(
        [Description("The widget's id, as returned by list_widgets or add_widget.")] string id,
        [Description("New name, 1 to 200 characters.")] string? name = null,
        [Description("New notes, up to 2000 characters; an empty string clears them.")] string? notes = null,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(() => widgets.UpdateAsync(EntityIds.Parse(id, "widget"), name, notes, cancellationToken: cancellationToken));

    [McpServerTool(Name = "delete_widget", Title = "Delete a widget", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes one of the signed-in user's widgets for good. Confirm with the user before calling this. Returns what was deleted.")]
    public Task<WidgetDto> DeleteWidget(
        [Description("The widget's id, as returned by list_widgets or add_widget.")] string id,
        CancellationToken cancellationToken = default) =>
        ToolRefusals.Guard(() => widgets.DeleteAsync(EntityIds.Parse(id, "widget"), cancellationToken));
}
