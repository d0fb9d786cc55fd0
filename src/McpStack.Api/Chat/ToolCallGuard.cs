using System.Globalization;
using McpStack.Api.Delegation;
using McpStack.Api.Security;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace McpStack.Api.Chat;

/// <summary>
/// What one turn's tool calls may do, whoever makes them (a model or a slash command): at most
/// <see cref="ChatModelOptions.MaxToolCallsPerMessage"/> per model message and <see cref="ChatModelOptions.MaxToolCallsPerTurn"/>
/// per turn, arguments no longer than <see cref="ChatModelOptions.MaxToolArgumentsLength"/> (cut by the
/// <see cref="TurnRecorder"/>), and every write spent
/// from the user's <see cref="WriteBudget"/>. A refused call does not reach the MCP server; its result says why.
/// </summary>
public sealed class ToolCallGuard(WriteBudget budget, ChatModelOptions options, string userId)
{
    private int _calls;

    /// <summary>Why the call may not run, or null when it may.</summary>
    public async ValueTask<string?> RefusalAsync(string tool, bool readOnly, IEnumerable<KeyValuePair<string, object?>> arguments, CancellationToken cancellationToken)
    {
        if (FunctionInvokingChatClient.CurrentContext is { FunctionCallIndex: var index, FunctionCount: var count } && index >= options.MaxToolCallsPerMessage)
        {
            return Say($"One message may make at most {options.MaxToolCallsPerMessage} tool calls and this one made {count}; {tool} was not run.");
        }
        if (++_calls > options.MaxToolCallsPerTurn)
        {
            return Say($"This turn has made its {options.MaxToolCallsPerTurn} tool calls, the most one turn may make; {tool} was not run. Answer with what you have.");
        }
        if (arguments.FirstOrDefault(a => a.Key == TurnRecorder.OversizeArguments).Value is { } oversize)
        {
            return Say($"The arguments of {tool} were {oversize}; it was not run.");
        }
        return !readOnly && await budget.TryTakeAsync(userId, cancellationToken) is (false, var retryAfter) ? budget.Refusal(retryAfter) : null;
    }

    /// <summary>The MCP tools for a model, each call passing this guard first.</summary>
    public AIFunction Guard(McpClientTool tool) => new GuardedTool(tool, this);

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class GuardedTool(McpClientTool tool, ToolCallGuard guard) : DelegatingAIFunction(tool)
    {
        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            await guard.RefusalAsync(tool.Name, McpToolClient.IsReadOnly(tool), arguments, cancellationToken) is { } refusal
                ? ToolOutcome.Error(refusal)
                : await base.InvokeCoreAsync(arguments, cancellationToken);
    }
}
