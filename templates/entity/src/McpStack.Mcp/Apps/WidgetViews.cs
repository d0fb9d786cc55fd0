using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Apps;

/// <summary>
/// The view of <c>list_widgets</c> (MCP Apps): the user's widgets, to rename, add and delete, each through the same tools
/// (so the same per-user rules, scopes and write limits hold; a host asks before a delete).
/// </summary>
[McpServerResourceType]
public sealed class WidgetViews
{
    public const string ListUri = "ui://widgets/list";

    /// <summary>Self-contained: no origin to connect to or load from.</summary>
    private const string Ui = """{"csp":{"connectDomains":[],"resourceDomains":[]},"prefersBorder":true}""";

    [McpServerResource(UriTemplate = ListUri, Name = "widget-list-view", Title = "Widgets", MimeType = McpApps.HtmlMimeType)]
    [McpMeta("ui", JsonValue = Ui)]
    [Description("The view of list_widgets: the signed-in user's widgets, to rename, add and delete.")]
    public static ResourceContents List() =>
        new TextResourceContents { Uri = ListUri, MimeType = McpApps.HtmlMimeType, Text = ViewHtml.Of("WidgetList.html"), Meta = McpApps.ResourceMeta(Ui) };
}
