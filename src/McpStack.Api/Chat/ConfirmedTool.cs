using McpStack.Api.Delegation;
using Microsoft.Extensions.AI;

namespace McpStack.Api.Chat;

/// <summary>
/// A tool that runs only after the user approved it (it sits inside an <see cref="ApprovalRequiredAIFunction"/>), so
/// its call counts as confirmed: the MCP server's own confirmation of it is answered yes.
/// </summary>
public sealed class ConfirmedTool(AIFunction tool) : DelegatingAIFunction(tool)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        using var _ = UserConfirmation.Given();
        return await base.InvokeCoreAsync(arguments, cancellationToken);
    }
}
