namespace McpStack.Mcp.Security;

/// <summary>
/// Refuses browser requests from origins that are not allowed (403), as the Streamable HTTP transport
/// requires against DNS rebinding. Requests without an <c>Origin</c> header (non-browser clients) pass.
/// </summary>
public sealed class OriginValidationMiddleware(RequestDelegate next, IReadOnlySet<string> allowedOrigins, ILogger<OriginValidationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !allowedOrigins.Contains(origin.TrimEnd('/')))
        {
            logger.LogWarning("Refused an MCP request from origin {Origin}", origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new
            {
                jsonrpc = "2.0",
                error = new { code = -32600, message = $"Origin '{origin}' is not allowed to call this MCP server." },
            });
            return;
        }
        await next(context);
    }
}
