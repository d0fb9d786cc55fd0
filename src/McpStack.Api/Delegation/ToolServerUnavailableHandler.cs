using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Delegation;

/// <summary>
/// The MCP server cannot be reached (stopped, refusing connections, not answering in time): 503 with Retry-After,
/// not a 500. The chat turns such failures into a tool error the model sees instead (see ChatTurn).
/// </summary>
public sealed partial class ToolServerUnavailableHandler(IProblemDetailsService problemDetails, DelegationSigningKey key, IOptions<DelegationOptions> options, ILogger<ToolServerUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>The endpoints that call the MCP server: its tools, prompts and resources.</summary>
    private static readonly string[] McpPaths = ["/api/tools", "/api/prompts", "/api/resources"];

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var unreachable = exception is HttpRequestException || exception.InnerException is HttpRequestException
            || (exception is OperationCanceledException or TimeoutException && !httpContext.RequestAborted.IsCancellationRequested);
        if (!unreachable || !McpPaths.Any(p => httpContext.Request.Path.StartsWithSegments(p))) return false;

        // The MCP server refusing the api's own token is no outage: the keys do not match (see DelegationKeyHealthCheck).
        var refused = (exception as HttpRequestException ?? exception.InnerException as HttpRequestException)?.StatusCode == System.Net.HttpStatusCode.Unauthorized;
        if (refused) LogRefused(logger, key.Key.KeyId, options.Value.PublishedJwksUrl);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = refused ? "The tool server refused this server's credentials." : "The tool server is not reachable.",
                Detail = refused ? "Nothing was done. The servers are not set up to trust each other; their operators can see why in the api's log."
                    : "Nothing was done. Try again in a moment.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The MCP server refused this api replica's token (signed with key {KeyId}). It reads the api's keys at its Auth:Issuers JWKS URL (the api expects {JwksUrl}): every api replica needs the same Delegation:SigningKeyPem, and that URL must serve it.")]
    private static partial void LogRefused(ILogger logger, string keyId, string jwksUrl);
}
