using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpStack.Testing;

/// <summary>What the fake model answers one request with: text, or tool calls (name and JSON arguments).</summary>
public sealed record FakeAnswer(string? Text, IReadOnlyList<(string Name, string Arguments)>? ToolCalls = null)
{
    public static FakeAnswer Calls(params (string Name, string Arguments)[] calls) => new(null, calls);
}

/// <summary>
/// A local OpenAI-compatible endpoint (<c>POST /v1/chat/completions</c>, streamed) with scripted answers, to prove the
/// real OpenAI client path end to end. Tool calls stream with their arguments split across chunks, as OpenAI sends them.
/// The default script: an <c>add_task</c> call, then, once a tool result is in the conversation, a text answer.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    /// <summary>The answer to each request, from the request's <c>messages</c> (OpenAI wire format).</summary>
    public Func<JsonArray, FakeAnswer> Script { get; set; } = messages =>
        messages.Any(m => (string?)m!["role"] == "tool") ? new FakeAnswer("Added milk to your list.") : FakeAnswer.Calls(("add_task", "{\"title\":\"milk\"}"));

    private readonly WebApplication _app;
    private readonly List<JsonObject> _requests = [];
    private int _callCount;

    private FakeOpenAiServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The base URL a client is given (ends in <c>/v1</c>).</summary>
    public string BaseUrl { get; }

    public IReadOnlyList<JsonObject> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app, url + "/v1");
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>When set, every request gets this status and body instead of an answer: a model endpoint gone wrong.</summary>
    public (int Status, string ContentType, string Body)? Garbage { get; set; }

    private async Task CompleteAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        lock (_requests) _requests.Add(request);
        if (Garbage is var (status, contentType, body))
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
            return;
        }
        var answer = Script(request["messages"]!.AsArray());

        context.Response.ContentType = "text/event-stream";
        if (answer.ToolCalls is { Count: > 0 } calls)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                var (name, arguments) = calls[i];
                var half = arguments.Length / 2;
                await ChunkAsync(context, new { role = "assistant", tool_calls = new[] { new { index = i, id = $"call_fake_{Interlocked.Increment(ref _callCount)}", type = "function", function = new { name, arguments = arguments[..half] } } } }, null);
                await ChunkAsync(context, new { tool_calls = new[] { new { index = i, function = new { arguments = arguments[half..] } } } }, null);
            }
            await ChunkAsync(context, new { }, "tool_calls");
        }
        else
        {
            // Word by word, as a model streams.
            var words = (answer.Text ?? "").Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                await ChunkAsync(context, i == 0 ? new { role = "assistant", content = words[i] } : (object)new { content = " " + words[i] }, null);
            }
            await ChunkAsync(context, new { }, "stop");
        }
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(new
        {
            id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 0, model = "fake-model", choices = Array.Empty<object>(),
            usage = new { prompt_tokens = 42, completion_tokens = 7, total_tokens = 49 },
        }) + "\n\n");
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task ChunkAsync(HttpContext context, object delta, string? finishReason)
    {
        var chunk = new
        {
            id = "chatcmpl-fake",
            @object = "chat.completion.chunk",
            created = 0,
            model = "fake-model",
            choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
        };
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
