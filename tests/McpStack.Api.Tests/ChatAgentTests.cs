using System.Runtime.CompilerServices;
using McpStack.Api.Chat;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Tests;

public sealed class ChatAgentTests
{
    [Fact]
    public async Task Streamed_updates_reach_the_turn_without_the_providers_own_objects()
    {
        // The tool loop and telemetry keep every update of a turn until it ends: what the provider hung on them (the
        // OpenAI SDK's parsed chunks) must not ride along, or each open turn weighs a megabyte (bench/README.md).
        var agent = new ChatAgent(new ChatModel(new RawStreamingModel(), "raw"), Options.Create(new ChatModelOptions()), NullLoggerFactory.Instance);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in agent.RunAsync([new ChatMessage(ChatRole.User, "hi")], [], CancellationToken.None)) updates.Add(update);

        Assert.Equal("one two three", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Null(u.RawRepresentation));
        Assert.All(updates.SelectMany(u => u.Contents), c => Assert.Null(c.RawRepresentation));
        Assert.Equal(7, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.TotalTokenCount);
    }

    private sealed class RawStreamingModel : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var word in new[] { "one ", "two ", "three" })
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(word) { RawRepresentation = new byte[1024] }]) { RawRepresentation = new byte[4096] };
            }
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { TotalTokenCount = 7 }) { RawRepresentation = new object() }]) { RawRepresentation = new object() };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
