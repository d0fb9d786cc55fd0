using System.Reflection;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Tools;

/// <summary>The server's tools as its code declares them (<see cref="McpServerToolAttribute"/> methods): parameters and whether they only read.</summary>
public sealed class ToolCatalog
{
    private readonly Dictionary<string, (ParameterInfo[] Parameters, bool ReadOnly)> _tools;

    private ToolCatalog(Dictionary<string, (ParameterInfo[], bool)> tools) => _tools = tools;

    public static ToolCatalog Of(Assembly assembly) => new(assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<McpServerToolTypeAttribute>() is not null)
        .SelectMany(t => t.GetMethods())
        .Select(m => (Method: m, Tool: m.GetCustomAttribute<McpServerToolAttribute>()))
        .Where(x => x.Tool?.Name is not null)
        .ToDictionary(x => x.Tool!.Name!, x => (x.Method.GetParameters(), x.Tool!.ReadOnly)));

    /// <summary>Every tool's name, in name order.</summary>
    public IReadOnlyList<string> Names => [.. _tools.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The tools of the MCP server itself.</summary>
    public static ToolCatalog OfServer() => Of(typeof(McpServerApp).Assembly);

    public ParameterInfo[] ParametersOf(string tool) => _tools.TryGetValue(tool, out var t) ? t.Parameters : [];

    /// <summary>Whether <paramref name="tool"/> only reads; an unknown tool counts as a write (the SDK refuses it anyway).</summary>
    public bool IsReadOnly(string tool) => _tools.TryGetValue(tool, out var t) && t.ReadOnly;
}
