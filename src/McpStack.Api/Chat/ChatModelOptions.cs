using System.ComponentModel.DataAnnotations;

namespace McpStack.Api.Chat;

public enum ChatProvider
{
    /// <summary>Chosen from what is set: a base URL (<c>OPENAI_BASE_URL</c>) means an OpenAI-compatible server, else an OpenAI key means OpenAI, else no model.</summary>
    Auto,
    None,
    OpenAI,
    AzureOpenAI,
    Ollama,
    OpenAICompatible,
}

/// <summary>Which language model the chat uses, and the limits of one turn. Bound from the <c>Chat</c> section.</summary>
public sealed class ChatModelOptions
{
    public const string SectionName = "Chat";

    public ChatProvider Provider { get; set; } = ChatProvider.Auto;

    /// <summary>Model (or Azure deployment) name. <c>OPENAI_MODEL</c>; OpenAI default <c>gpt-4o</c>, Ollama default <c>llama3.1</c>.</summary>
    public string? Model { get; set; }

    /// <summary><c>OPENAI_API_KEY</c> (or <c>AZURE_OPENAI_API_KEY</c>). A secret.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Base URL: <c>OPENAI_BASE_URL</c> for OpenAI-compatible servers, <c>AZURE_OPENAI_ENDPOINT</c>, <c>OLLAMA_URL</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Tool-call rounds the model may make in one turn before it must answer.</summary>
    [Range(1, 50)]
    public int MaxToolRounds { get; set; } = 8;

    /// <summary>How long one turn may take in all.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:30:00")]
    public TimeSpan TurnTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a conversation stays held beyond <see cref="TurnTimeout"/> by a turn that never finished (its api
    /// replica died): a lease only outlives its turn then, and the next turn after it records the interruption.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TurnLeaseMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a turn writes its progress to the database (and hears a stop asked on another replica): what a page
    /// that opens the conversation meanwhile, on any replica, sees of the answer is at most this old.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often such a page reads that progress.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan ProgressPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a turn may go without writing its progress before it is taken for dead (its replica stopped): the
    /// conversation then says the answer was interrupted, and the next message may take it over. At least three
    /// <see cref="ProgressInterval"/>s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ProgressStaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many earlier messages of the conversation the model sees.</summary>
    [Range(2, 500)]
    public int HistoryMessages { get; set; } = 40;

    [Range(1, 32_000)]
    public int MaxMessageLength { get; set; } = 4000;

    /// <summary>Tool calls one model message may make; calls beyond it are refused (the model is told), not run.</summary>
    [Range(1, 100)]
    public int MaxToolCallsPerMessage { get; set; } = 10;

    /// <summary>Tool calls one turn may make in all its rounds.</summary>
    [Range(1, 500)]
    public int MaxToolCallsPerTurn { get; set; } = 25;

    /// <summary>The longest arguments (as JSON) a tool call may carry; longer ones are neither run nor stored.</summary>
    [Range(100, 1_000_000)]
    public int MaxToolArgumentsLength { get; set; } = 8000;

    /// <summary>
    /// Whether the model call's span records the messages: the prompt, the tools' results and the answer. Sensitive (it is
    /// the user's data), so off; turn it on to debug a conversation, where traces are kept as safely as the database.
    /// </summary>
    public bool RecordMessagesInTraces { get; set; }

    /// <summary>The longest answer stored and streamed; the model's stream is stopped there and the cut is said.</summary>
    [Range(100, 1_000_000)]
    public int MaxAnswerLength { get; set; } = 20_000;
}
