namespace McpStack.Mcp.Security;

/// <summary>
/// Refuses browser requests from origins that are not allowed (403), as the Streamable HTTP transport requires against
/// DNS rebinding, and, unless <paramref name="allowedHosts"/> is empty (any host), requests for another host name. Requests
/// without an <c>Origin</c> header (non-browser clients) pass the origin check.
/// </summary>
public sealed class OriginValidationMiddleware(
    RequestDelegate next, IReadOnlySet<string> allowedOrigins, IReadOnlySet<string> allowedHosts, ILogger<OriginValidationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !allowedOrigins.Contains(origin.TrimEnd('/')))
        {
            logger.LogWarning("Refused an MCP request from origin {Origin}", origin);
            await RefuseAsync(context, "This origin is not allowed to call this MCP server.");
            return;
        }
        if (allowedHosts.Count > 0 && !allowedHosts.Contains(context.Request.Host.Host))
        {
            logger.LogWarning("Refused an MCP request for host {Host}", context.Request.Host.Host);
            await RefuseAsync(context, "This host name is not served here (Mcp:AllowedHosts).");
            return;
        }
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(new { jsonrpc = "2.0", error = new { code = -32600, message } });
    }
}
