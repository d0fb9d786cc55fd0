using System.Net.Http.Json;
using System.Text.Json;

namespace McpStack.Testing;

/// <summary>Reads a chat response (AI SDK UI message stream over SSE) into its parts.</summary>
public static class UiMessageStreamReader
{
    public static async Task<ChatStream> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var parts = new List<JsonElement>();
        var done = false;
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (!block.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var data = block["data: ".Length..];
            if (data == "[DONE]") done = true;
            else parts.Add(JsonDocument.Parse(data).RootElement.Clone());
        }
        return new ChatStream(parts, done);
    }

    /// <summary>Posts one chat turn and reads its stream.</summary>
    public static async Task<ChatStream> ChatAsync(this HttpClient client, string message, Guid? conversationId = null, object? approvals = null)
    {
        using var response = await client.PostAsJsonAsync("/api/chat", new { conversationId, message, approvals });
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Chat answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        }
        return await ReadAsync(response);
    }
}

public sealed record ChatStream(IReadOnlyList<JsonElement> Parts, bool Done)
{
    public IEnumerable<string> Types => Parts.Select(p => p.GetProperty("type").GetString()!);

    public IEnumerable<JsonElement> OfType(string type) => Parts.Where(p => p.GetProperty("type").GetString() == type);

    public string Text => string.Concat(OfType("text-delta").Select(p => p.GetProperty("delta").GetString()));

    public Guid ConversationId => OfType("data-conversation").Single().GetProperty("data").GetProperty("conversationId").GetGuid();
}
