using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpStack.Mcp.Tools;

/// <summary>
/// The MCP server's own confirmation before a delete, so every client that can ask its user does, not only
/// McpStack's chat: a form elicitation through a multi round-trip request (MCP 2026-07-28, which a stateless server
/// can make). A client on 2025-11-25, or one that declares no elicitation capability, cannot be asked by a stateless
/// server; for it the delete goes ahead as before, and the tool's destructive annotation is its cue to confirm.
/// </summary>
public static class DeleteConfirmation
{
    public const string InputKey = "confirm_delete";

    public enum Answer { NotAsked, Accepted, Declined }

    /// <summary>What the client answered on this retry, if it is one.</summary>
    public static Answer Read(RequestContext<CallToolRequestParams> context)
    {
        if (context.Params?.InputResponses?.TryGetValue(InputKey, out var response) != true) return Answer.NotAsked;
        return response!.Deserialize(InputResponse.ElicitResultJsonTypeInfo)?.Action == "accept" ? Answer.Accepted : Answer.Declined;
    }

    /// <summary>Whether this request's client can be asked: it speaks 2026-07-28 and declares elicitation in its _meta.</summary>
    public static bool CanAsk(McpServer server, RequestContext<CallToolRequestParams> context) =>
        server.IsMrtrSupported && DeclaresElicitation(context.Params?.Meta);

    /// <summary>The round trip that asks the user; the client retries the same call with the answer.</summary>
    public static InputRequiredException Ask(string title) => new(
        inputRequests: new Dictionary<string, InputRequest>
        {
            [InputKey] = InputRequest.ForElicitation(new ElicitRequestParams
            {
                Message = $"Delete the task “{title}”? This cannot be undone.",
                RequestedSchema = new() { Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>() },
            }),
        },
        requestState: null);

    // 2026-07-28 carries each request's client capabilities in _meta; a stateless server has no session to remember them.
    private static bool DeclaresElicitation(System.Text.Json.Nodes.JsonObject? meta) =>
        meta?["io.modelcontextprotocol/clientCapabilities"] is System.Text.Json.Nodes.JsonObject capabilities
        && capabilities["elicitation"] is System.Text.Json.Nodes.JsonObject;
}
