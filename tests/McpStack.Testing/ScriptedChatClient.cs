using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace McpStack.Testing;

/// <summary>
/// A language model stand-in: each call answers with what <see cref="Script"/> returns for the messages it was sent
/// (text, tool calls), streamed as updates. It records every request so tests can check what the model was shown.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyList<ChatMessage>> _requests = [];
    private readonly List<IReadOnlyList<string>> _offeredTools = [];
    private int _wordsWritten;

    /// <summary>Given the messages of a request, the contents of the answer.</summary>
    public Func<IReadOnlyList<ChatMessage>, IList<AIContent>> Script { get; set; } = _ => [new TextContent("OK")];

    /// <summary>A pause before answering, to test timeouts and disconnects.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>A pause before each word of a text answer: a model that writes slowly, for turns followed while they run.</summary>
    public TimeSpan WordDelay { get; set; }

    /// <summary>The words of text answers streamed since the last <see cref="Reset"/>.</summary>
    public int WordsWritten => Volatile.Read(ref _wordsWritten);

    /// <summary>
    /// Waits until a running answer has streamed <paramref name="words"/> words: a test that acts on a turn while it
    /// writes waits for the writing, not for a fixed time a loaded machine may not keep (a turn's first word comes after
    /// the tool list is fetched, the first time over HTTP).
    /// </summary>
    public async Task WaitForWordsAsync(int words)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (WordsWritten < words) await Task.Delay(20, timeout.Token);
    }

    public IReadOnlyList<IReadOnlyList<ChatMessage>> Requests
    {
        get
        {
            lock (_lock) return [.. _requests];
        }
    }

    /// <summary>The names of the tools each request offered the model, in request order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> OfferedTools
    {
        get
        {
            lock (_lock) return [.. _offeredTools];
        }
    }

    public void Reset(Func<IReadOnlyList<ChatMessage>, IList<AIContent>> script)
    {
        lock (_lock)
        {
            _requests.Clear();
            _offeredTools.Clear();
        }
        Script = script;
        Volatile.Write(ref _wordsWritten, 0);
        Delay = TimeSpan.Zero;
        WordDelay = TimeSpan.Zero;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken)) updates.Add(update);
        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = messages.ToList();
        lock (_lock)
        {
            _requests.Add(request);
            _offeredTools.Add([.. (options?.Tools ?? []).Select(t => t.Name)]);
        }
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        var messageId = Guid.NewGuid().ToString("N");
        foreach (var content in Script(request))
        {
            // Text arrives word by word, as a real model streams it.
            if (content is TextContent text)
            {
                foreach (var word in text.Text.Split(' '))
                {
                    if (WordDelay > TimeSpan.Zero) await Task.Delay(WordDelay, cancellationToken);
                    Interlocked.Increment(ref _wordsWritten);
                    yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { MessageId = messageId };
                }
            }
            else
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [content]) { MessageId = messageId };
            }
        }
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 })]) { MessageId = messageId };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
