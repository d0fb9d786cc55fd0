using Microsoft.Extensions.AI;

namespace McpStack.Api.Chat;

/// <summary>
/// The chat without a model. The sample's task commands (/add, /list, /done, /delete) are not in a solution made with
/// an empty domain: add commands for your own tools here, calling them through <c>McpToolClient</c> as the agent does.
/// </summary>
public sealed class SlashCommands
{
    public const string Help = """
        Without a language model, the chat understands these commands:
        /help                   this list
        """;

    public const string NeedsModel =
        "I can only follow slash commands: understanding free text needs a language model. Set OPENAI_API_KEY " +
        "(or another provider: see docs/api-and-chat.md, \"Use a real model\") and restart the api. Type /help for the commands.";

    public async Task RunAsync(string userId, string message, TurnRecorder recorder, ToolCallGuard guard, CancellationToken cancellationToken)
    {
        var text = message.Trim();
        var command = text.Split(' ', 2)[0].ToLowerInvariant();
        var reply = command switch
        {
            "/help" => Help,
            _ when text.StartsWith('/') => $"Unknown command {command}.\n{Help}",
            _ => NeedsModel,
        };
        await recorder.OnUpdateAsync(new ChatResponseUpdate(ChatRole.Assistant, reply), cancellationToken);
    }
}
