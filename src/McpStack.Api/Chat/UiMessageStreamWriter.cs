using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpStack.Api.Chat;

/// <summary>
/// Writes a chat turn as the Vercel AI SDK's UI message stream protocol (v1): server-sent events whose data are JSON
/// parts (<c>start</c>, <c>text-delta</c>, <c>tool-input-available</c>, <c>tool-output-available</c>,
/// <c>tool-approval-request</c>, <c>error</c>, <c>finish</c>…) ending with <c>[DONE]</c>, so the web page can use
/// <c>useChat</c> as it is. See docs: ai-sdk.dev, "Stream Protocols".
/// </summary>
public sealed class UiMessageStreamWriter(HttpResponse response) : ITurnOutput
{
    public const string HeaderName = "x-vercel-ai-ui-message-stream";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private string? _openTextId;
    private int _textParts;

    public bool Started { get; private set; }

    public async Task StartAsync(Guid messageId, TurnIds ids, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers[HeaderName] = "v1";
        response.Headers["X-Accel-Buffering"] = "no";
        Started = true;
        await WriteAsync(new { type = "start", messageId }, cancellationToken);
        // A custom data part: the ids the page needs to continue this conversation.
        await WriteAsync(new { type = "data-conversation", data = ids }, cancellationToken);
    }

    public async Task TextDeltaAsync(string delta, CancellationToken cancellationToken)
    {
        if (_openTextId is null)
        {
            _openTextId = $"text-{++_textParts}";
            await WriteAsync(new { type = "text-start", id = _openTextId }, cancellationToken);
        }
        await WriteAsync(new { type = "text-delta", id = _openTextId, delta }, cancellationToken);
    }

    public async Task ToolInputAsync(string toolCallId, string toolName, IDictionary<string, object?>? input, CancellationToken cancellationToken)
    {
        await EndTextAsync(cancellationToken);
        await WriteAsync(new { type = "tool-input-available", toolCallId, toolName, input = (object?)input ?? new { } }, cancellationToken);
    }

    public Task ToolOutputAsync(string toolCallId, object? output, CancellationToken cancellationToken) =>
        WriteAsync(new { type = "tool-output-available", toolCallId, output }, cancellationToken);

    public Task ToolErrorAsync(string toolCallId, string errorText, CancellationToken cancellationToken) =>
        WriteAsync(new { type = "tool-output-error", toolCallId, errorText }, cancellationToken);

    public async Task ToolApprovalRequestAsync(string approvalId, string toolCallId, CancellationToken cancellationToken)
    {
        await EndTextAsync(cancellationToken);
        await WriteAsync(new { type = "tool-approval-request", approvalId, toolCallId }, cancellationToken);
    }

    public Task ToolDeniedAsync(string toolCallId, CancellationToken cancellationToken) =>
        WriteAsync(new { type = "tool-output-denied", toolCallId }, cancellationToken);

    public async Task ErrorAsync(string errorText, CancellationToken cancellationToken)
    {
        await EndTextAsync(cancellationToken);
        await WriteAsync(new { type = "error", errorText }, cancellationToken);
    }

    public async Task FinishAsync(TurnSummary summary, CancellationToken cancellationToken)
    {
        await EndTextAsync(cancellationToken);
        await WriteAsync(new { type = "finish", messageMetadata = summary }, cancellationToken);
        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private async Task EndTextAsync(CancellationToken cancellationToken)
    {
        if (_openTextId is null) return;
        await WriteAsync(new { type = "text-end", id = _openTextId }, cancellationToken);
        _openTextId = null;
    }

    private async Task WriteAsync<T>(T part, CancellationToken cancellationToken)
    {
        await response.WriteAsync("data: " + JsonSerializer.Serialize(part, Json) + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
