using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Chat;

/// <summary>
/// The model wrapped with Microsoft.Extensions.AI's function invocation: it calls the MCP tools it is given, at most
/// <see cref="ChatModelOptions.MaxToolRounds"/> rounds a turn, and stops at destructive tools to ask the user.
/// Built once per process; it holds no per-user state.
/// </summary>
public sealed class ChatAgent(ChatModel model, IOptions<ChatModelOptions> options, ILoggerFactory loggerFactory)
{
    /// <summary>The system message of every turn: the domain's own words (<see cref="AssistantInstructions"/>).</summary>
    public const string Instructions = AssistantInstructions.Text;

    private readonly IChatClient? _client = model.Client is null ? null
        : new ChatClientBuilder(model.Client)
            .UseFunctionInvocation(loggerFactory, f =>
            {
                f.MaximumIterationsPerRequest = options.Value.MaxToolRounds;
                f.AllowConcurrentInvocation = false;
                f.IncludeDetailedErrors = false;
            })
            // Inside the tool loop: one GenAI span (model, token counts) per call to the model.
            .UseOpenTelemetry(loggerFactory, McpStack.Hosting.Telemetry.GenAi, o => o.EnableSensitiveData = options.Value.RecordMessagesInTraces)
            .Use(inner => new WithoutRawUpdates(inner))
            .Build();

    public bool IsConfigured => _client is not null;

    public IAsyncEnumerable<ChatResponseUpdate> RunAsync(IEnumerable<ChatMessage> conversation, IList<AITool> tools, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException("No chat model is configured.");
        var messages = new List<ChatMessage> { new(ChatRole.System, Instructions) };
        messages.AddRange(conversation);
        return client.GetStreamingResponseAsync(messages, new ChatOptions { Tools = tools, ToolMode = ChatToolMode.Auto }, cancellationToken);
    }

    /// <summary>
    /// Next to the model: drops the provider's own objects from each streamed update. The layers above keep every
    /// update of a turn until it ends (the tool loop to rebuild the model's message, telemetry to describe the answer),
    /// and the OpenAI SDK's parsed chunks behind them were most of what an open turn weighed (bench/README.md,
    /// concurrent chat turns). Nothing reads them.
    /// </summary>
    private sealed class WithoutRawUpdates(IChatClient inner) : DelegatingChatClient(inner)
    {
        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                update.RawRepresentation = null;
                foreach (var content in update.Contents) content.RawRepresentation = null;
                yield return update;
            }
        }
    }
}
