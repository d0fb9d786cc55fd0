using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Apps;

// MCP Apps (SEP-1865, extension io.modelcontextprotocol/ui) on the SDK's own resource and _meta APIs. The SDK's
// ModelContextProtocol.Extensions.Apps package has the same names (McpApps, McpAppUiAttribute, McpUiToolVisibility,
// WithMcpApps) but is not served here; once it is, this file goes and the usings change.

/// <summary>Who may call a tool: the model, the tool's view, or both (the default).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<McpUiToolVisibility>))]
public enum McpUiToolVisibility
{
    [JsonStringEnumMemberName("model")] Model,
    [JsonStringEnumMemberName("app")] App,
}

/// <summary>Links a tool to its view (<c>_meta.ui.resourceUri</c>) and says who may call it (<c>_meta.ui.visibility</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class McpAppUiAttribute : Attribute
{
    public string? ResourceUri { get; set; }

    public McpUiToolVisibility[]? Visibility { get; set; }
}

public static class McpApps
{
    /// <summary>The MIME type of a view: HTML a host renders in a sandboxed frame.</summary>
    public const string HtmlMimeType = "text/html;profile=mcp-app";

    /// <summary>The extension's key in the server's (and the client's) <c>extensions</c> capability.</summary>
    public const string ExtensionId = "io.modelcontextprotocol/ui";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// Declares the extension and writes each <see cref="McpAppUiAttribute"/> into its tool's <c>_meta.ui</c>. A client
    /// without the extension ignores both: it sees the same tools and results as before.
    /// </summary>
    public static IMcpServerBuilder WithMcpApps(this IMcpServerBuilder builder)
    {
        builder.Services.AddSingleton<IPostConfigureOptions<McpServerOptions>, AppsPostConfigure>();
        return builder;
    }

    /// <summary>A view's <c>_meta</c> for its <c>resources/read</c> content, from the JSON its listing declares.</summary>
    public static JsonObject ResourceMeta([System.Diagnostics.CodeAnalysis.StringSyntax("Json")] string ui) => new() { ["ui"] = JsonNode.Parse(ui) };

    private sealed class AppsPostConfigure : IPostConfigureOptions<McpServerOptions>
    {
        public void PostConfigure(string? name, McpServerOptions options)
        {
            options.Capabilities ??= new();
            options.Capabilities.Extensions ??= new Dictionary<string, object>();
            options.Capabilities.Extensions.TryAdd(ExtensionId, new JsonObject());
            foreach (var tool in options.ToolCollection ?? [])
            {
                if (tool.Metadata.OfType<McpAppUiAttribute>().FirstOrDefault() is not { } ui) continue;
                tool.ProtocolTool.Meta ??= [];
                // The spec's default (both) written out: the AI SDK's client reads a missing list as "model" alone.
                var visibility = ui.Visibility is { Length: > 0 } given ? given : [McpUiToolVisibility.Model, McpUiToolVisibility.App];
                tool.ProtocolTool.Meta["ui"] = JsonSerializer.SerializeToNode(new { ui.ResourceUri, Visibility = visibility }, Json);
            }
        }
    }
}

/// <summary>
/// The HTML of the views under <c>Apps/Views</c>, embedded in the assembly: a view's file with the view kit (the view's
/// side of the MCP Apps protocol, and the shared look) put in place of its <c>&lt;!--view-kit--&gt;</c> line. Read once.
/// </summary>
public static class ViewHtml
{
    private const string KitMarker = "<!--view-kit-->";
    private static readonly Lazy<string> Kit = new(() => $"<style>\n{Read("view-kit.css")}</style>\n<script>\n{Read("view-kit.js")}</script>");
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Views = new();

    public static string Of(string file) => Views.GetOrAdd(file, f =>
    {
        var html = Read(f);
        if (!html.Contains(KitMarker, StringComparison.Ordinal)) throw new InvalidOperationException($"The view {f} has no {KitMarker} line.");
        return html.Replace(KitMarker, Kit.Value, StringComparison.Ordinal);
    });

    private static string Read(string file)
    {
        var assembly = typeof(ViewHtml).Assembly;
        using var stream = assembly.GetManifestResourceStream($"McpStack.Mcp.Apps.Views.{file}")
            ?? throw new InvalidOperationException($"The view file {file} is not embedded (Apps/Views/{file}).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
