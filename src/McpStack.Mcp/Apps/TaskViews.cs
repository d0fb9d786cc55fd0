using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Apps;

/// <summary>
/// The task tools' views (MCP Apps): a list for <c>list_tasks</c>, and one task for the tools that add, change, read or
/// delete one. A view shows the result its host hands it and acts only through the same tools, so the same per-user
/// rules, scopes and write limits hold; a host asks its user before a destructive one.
/// </summary>
[McpServerResourceType]
public sealed class TaskViews
{
    public const string ListUri = "ui://tasks/list";
    public const string TaskUri = "ui://tasks/task";

    /// <summary>
    /// What a view may load beyond itself (<c>_meta.ui</c>): nothing. The views are self-contained, so hosts, which block
    /// every origin not declared here, render them as they are.
    /// </summary>
    private const string Ui = """{"csp":{"connectDomains":[],"resourceDomains":[]},"prefersBorder":true}""";

    [McpServerResource(UriTemplate = ListUri, Name = "task-list-view", Title = "Task list", MimeType = McpApps.HtmlMimeType)]
    [McpMeta("ui", JsonValue = Ui)]
    [Description("The view of list_tasks: the signed-in user's tasks, to filter, check off, rename, add and delete.")]
    public static ResourceContents TaskList() => View(ListUri, "task-list.html");

    [McpServerResource(UriTemplate = TaskUri, Name = "task-view", Title = "Task", MimeType = McpApps.HtmlMimeType)]
    [McpMeta("ui", JsonValue = Ui)]
    [Description("The view of one task, for the tools that add, change, read or delete one: check it off, rename it, refresh it.")]
    public static ResourceContents Task() => View(TaskUri, "task.html");

    private static TextResourceContents View(string uri, string file) =>
        new() { Uri = uri, MimeType = McpApps.HtmlMimeType, Text = ViewHtml.Of(file), Meta = McpApps.ResourceMeta(Ui) };
}
