using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpStack.Testing;

/// <summary>
/// A local OpenAI-compatible endpoint (<c>POST /v1/chat/completions</c>, streamed) with scripted answers, to prove the
/// real OpenAI client path end to end. Its script: the first request gets a streamed <c>add_task</c> tool call (its
/// arguments split across chunks, as OpenAI sends them); once a tool result is in the conversation it answers in text.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<JsonObject> _requests = [];

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

    private async Task CompleteAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        lock (_requests) _requests.Add(request);
        var hasToolResult = request["messages"]!.AsArray().Any(m => (string?)m!["role"] == "tool");

        context.Response.ContentType = "text/event-stream";
        if (!hasToolResult)
        {
            await ChunkAsync(context, new { role = "assistant", tool_calls = new[] { new { index = 0, id = "call_fake_1", type = "function", function = new { name = "add_task", arguments = "{\"title\":" } } } }, null);
            await ChunkAsync(context, new { tool_calls = new[] { new { index = 0, function = new { arguments = "\"milk\"}" } } } }, null);
            await ChunkAsync(context, new { }, "tool_calls");
        }
        else
        {
            await ChunkAsync(context, new { role = "assistant", content = "Added milk " }, null);
            await ChunkAsync(context, new { content = "to your list." }, null);
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
