using System.Security.Claims;
using McpStack.Hosting;
using McpStack.Hosting.Auth;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tools;

/// <summary>
/// The MCP server's own per-user limit on write tools (<see cref="McpEndpointOptions.WritesPerMinute"/>), so a client
/// calling it directly cannot write without bound (300 calls in 1.2 s all succeeded before). Read-only tools are not
/// counted, by the same <see cref="ToolCatalog"/> the scope check reads, so the two always agree on what a write is.
/// A refused call is an <c>isError</c> result saying when to try again; nothing runs.
/// </summary>
public sealed class ToolWriteLimit(IOptions<McpEndpointOptions> options, RateLimitCounter counter)
    : PerUserLimit("mcp-writes", options.Value.WritesPerMinute, counter)
{
    /// <summary>Why the call may not run now, or null.</summary>
    public async ValueTask<string?> RefusalAsync(ToolCatalog catalog, string? tool, ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (catalog.IsReadOnly(tool ?? "")) return null;
        var (taken, retryAfter) = await TryTakeAsync(user?.FindFirstValue(JwtAuthenticationExtensions.UserKeyClaim) ?? "", cancellationToken);
        return taken ? null : Refusal(retryAfter);
    }
}

public static class ToolWriteLimits
{
    public static IMcpServerBuilder WithToolWriteLimit(this IMcpServerBuilder builder, ToolCatalog catalog)
    {
        builder.Services.AddSingleton<ToolWriteLimit>();
        return builder.WithRequestFilters(filters => filters.AddCallToolFilter(next => async (context, cancellationToken) =>
            context.Services is { } services
            && await services.GetRequiredService<ToolWriteLimit>().RefusalAsync(catalog, context.Params?.Name, context.User, cancellationToken) is { } refusal
                ? new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = refusal }] }
                : await next(context, cancellationToken)));
    }
}
