using System.Reflection;
using System.Text.Json;
using McpStack.Data;
using McpStack.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Tools;

/// <summary>A tool call the tool refused for a reason the caller can act on (bad input, no such task, database down).</summary>
public sealed class ToolRefusal(string message, Exception? innerException = null) : McpException(message, innerException);

/// <summary>
/// Turns refusals into the <c>isError</c> results they stand for, with a message saying what to fix, logged at
/// Information. Left to the SDK, each would be logged at Error level with a stack trace (any token holder could flood
/// the logs) and answered "An error occurred invoking …". Refusals are the tools' own <see cref="ToolRefusal"/>s and
/// arguments the SDK could not bind to the tool's parameters (a wrong type, a missing required one).
/// </summary>
public static partial class ToolRefusals
{
    /// <summary>
    /// Runs a tool's work, turning the domain's refusals (any <see cref="DomainException"/>) and an unreachable database
    /// into <see cref="ToolRefusal"/>s with their message; anything else stays hidden by the SDK.
    /// </summary>
    public static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (DomainException e)
        {
            throw new ToolRefusal(e.Message, e);
        }
        catch (Exception e) when (DomainExceptionHandler.IsDatabaseUnavailable(e))
        {
            throw new ToolRefusal("The database is not reachable right now; nothing was changed. Try again in a moment.", e);
        }
    }

    public static IMcpServerBuilder WithToolRefusals(this IMcpServerBuilder builder, ToolCatalog catalog)
    {
        // Checked on the message: without a name the SDK fails to read the parameters and answers an internal error.
        builder.WithMessageFilters(filters => filters.AddIncomingFilter(next => (context, cancellationToken) =>
            context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall } request && !HasToolName(request.Params)
                ? throw new McpProtocolException("tools/call needs the name of a tool (see tools/list).", McpErrorCode.InvalidParams)
                : next(context, cancellationToken)));
        return builder.WithRequestFilters(filters => filters.AddCallToolFilter(next => async (context, cancellationToken) =>
        {
            try
            {
                return await next(context, cancellationToken);
            }
            catch (Exception e) when (e is ToolRefusal || IsBindingFailure(e))
            {
                var name = context.Params?.Name ?? "";
                var message = e as ToolRefusal ?? Describe(e, catalog.ParametersOf(name), context.Params?.Arguments);
                var logger = context.Services?.GetService<ILogger<ToolRefusal>>();
                if (logger is not null) LogRefused(logger, name, message.Message);
                return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = message.Message }] };
            }
        }));
    }

    private static bool HasToolName(System.Text.Json.Nodes.JsonNode? parameters) =>
        parameters is System.Text.Json.Nodes.JsonObject o && o["name"] is System.Text.Json.Nodes.JsonValue name &&
        name.TryGetValue<string>(out var text) && text.Length > 0;

    /// <summary>
    /// What the SDK throws while it turns arguments into parameters, before the tool runs: the tools themselves
    /// deserialize nothing and report their own failures as <see cref="ToolRefusal"/>s.
    /// </summary>
    private static bool IsBindingFailure(Exception e) =>
        e is JsonException || (e is ArgumentException { ParamName: "arguments" } && e.Message.StartsWith("Missing required parameter", StringComparison.Ordinal));

    /// <summary>Finds the argument that does not fit its parameter, since the SDK's exception does not name it.</summary>
    private static ToolRefusal Describe(Exception e, ParameterInfo[] parameters, IDictionary<string, JsonElement>? arguments)
    {
        if (e is ArgumentException)
        {
            var missing = parameters.FirstOrDefault(p => !p.HasDefaultValue && p.ParameterType != typeof(CancellationToken) && arguments?.ContainsKey(p.Name!) != true);
            return new ToolRefusal(missing is null ? "A required argument is missing." : $"{missing.Name} is required.");
        }
        foreach (var parameter in parameters)
        {
            if (arguments?.TryGetValue(parameter.Name!, out var value) != true) continue;
            try
            {
                JsonSerializer.Deserialize(value, parameter.ParameterType, McpJsonUtilities.DefaultOptions);
            }
            catch (JsonException)
            {
                return new ToolRefusal($"{parameter.Name} must be {JsonValueShapes.Describe(parameter.ParameterType)}.");
            }
        }
        return new ToolRefusal("An argument has the wrong type; see the tool's input schema.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool {Tool} refused the call: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? tool, string reason);
}
