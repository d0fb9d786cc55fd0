using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace McpStack.Api.Delegation;

/// <summary>
/// The MCP server cannot be reached (stopped, refusing connections, not answering in time): 503 with Retry-After,
/// not a 500. The chat turns such failures into a tool error the model sees instead (see ChatTurn).
/// </summary>
public sealed class ToolServerUnavailableHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var unreachable = exception is HttpRequestException || exception.InnerException is HttpRequestException
            || (exception is OperationCanceledException or TimeoutException && !httpContext.RequestAborted.IsCancellationRequested);
        if (!unreachable || !httpContext.Request.Path.StartsWithSegments("/api/tools")) return false;

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The tool server is not reachable.",
                Detail = "Nothing was done. Try again in a moment.",
            },
        });
    }
}
