using ModelContextProtocol.Protocol;

namespace McpStack.Api.Delegation;

/// <summary>
/// How the api answers the MCP server's own confirmations (elicitations, e.g. before a delete): the user has already
/// answered them in McpStack, by approving the chat's approval card or by asking for the action themselves (a slash
/// command, <c>/api/tools</c>). Calls made in such a flow are marked confirmed; any other elicitation is declined,
/// so a tool never goes ahead on a question nobody was shown.
/// </summary>
public static class UserConfirmation
{
    private static readonly AsyncLocal<bool> Confirmed = new();

    /// <summary>Until disposed, tool calls in this async flow are ones the user confirmed.</summary>
    public static IDisposable Given() => AsyncLocalScope.Set(Confirmed, true);

    /// <summary>The MCP client's elicitation handler.</summary>
    public static ValueTask<ElicitResult> AnswerAsync(ElicitRequestParams? request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ElicitResult { Action = Confirmed.Value ? "accept" : "decline" });
}
