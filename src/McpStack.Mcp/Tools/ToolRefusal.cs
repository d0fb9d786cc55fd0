using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tools;

/// <summary>A tool call the tool refused for a reason the caller can act on (bad input, no such task, database down).</summary>
public sealed class ToolRefusal(string message, Exception innerException) : McpException(message, innerException);

/// <summary>
/// Turns a <see cref="ToolRefusal"/> into the <c>isError</c> result it stands for, with the tool's own message. Left to
/// the SDK, each would be logged at Error level with a stack trace (a user's typo would page someone) and its message
/// prefixed with "An error occurred invoking …".
/// </summary>
public static partial class ToolRefusals
{
    public static IMcpServerBuilder WithToolRefusals(this IMcpServerBuilder builder) =>
        builder.WithRequestFilters(filters => filters.AddCallToolFilter(next => async (context, cancellationToken) =>
        {
            try
            {
                return await next(context, cancellationToken);
            }
            catch (ToolRefusal refusal)
            {
                var logger = context.Services?.GetService<ILogger<ToolRefusal>>();
                if (logger is not null) LogRefused(logger, context.Params?.Name, refusal.Message);
                return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = refusal.Message }] };
            }
        }));

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool {Tool} refused the call: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? tool, string reason);
}
