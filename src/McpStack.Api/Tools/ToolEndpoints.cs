using McpStack.Api.Features;
using System.Text.Json;
using McpStack.Api.Delegation;
using McpStack.Api.Security;
using McpStack.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelContextProtocol.Protocol;

namespace McpStack.Api.Tools;

/// <summary>
/// The MCP server's tools, called on the signed-in user's behalf with a delegated token. The chat uses the same
/// client; these endpoints let a page (a tool's view in the chat, MCP Apps) or curl list and call the tools directly.
/// </summary>
public static class ToolEndpoints
{
    public static IEndpointRouteBuilder MapToolEndpoints(this IEndpointRouteBuilder app)
    {
        // 503: the MCP server is not reachable.
        var tools = app.MapGroup("/api/tools").WithTags("Tools").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        tools.MapGet("/", List).WithName("ListTools").WithSummary("The MCP server's tools, with their descriptions, input schemas, views and who may call them.");
        tools.MapPost("/{name}", Call).WithName("CallTool")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status428PreconditionRequired)
            .WithSummary("Calls one tool with a JSON object of arguments, as the signed-in user. Write tools spend the user's write budget; " +
                         "a destructive tool runs only with confirmed=true, once the user has said yes.");
        return app;
    }

    private static async Task<Ok<IEnumerable<ToolInfo>>> List(McpToolClient client, ICurrentUser user, CancellationToken cancellationToken)
    {
        var tools = await client.ListToolsAsync(user.UserId!, cancellationToken);
        return TypedResults.Ok(tools.Select(t => new ToolInfo(
            t.Name, t.ProtocolTool.Title, t.Description, t.JsonSchema, McpToolClient.IsReadOnly(t), McpToolClient.IsDestructive(t),
            McpToolClient.ViewOf(t), McpToolClient.VisibilityOf(t))));
    }

    private static async Task<Results<Ok<ToolCallResponse>, ProblemHttpResult>> Call(
        HttpContext http, McpToolClient client, WriteBudget budget, ICurrentUser user, string name, JsonElement? arguments,
        bool confirmed = false, CancellationToken cancellationToken = default)
    {
        if (arguments is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return TypedResults.Problem("The body must be a JSON object of tool arguments.", statusCode: StatusCodes.Status400BadRequest);
        }
        var tools = await client.ListToolsAsync(user.UserId!, cancellationToken);
        var tool = tools.FirstOrDefault(t => t.Name == name);
        if (tool is null)
        {
            return TypedResults.Problem($"There is no tool named '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }
        // MCP Apps: a tool the server keeps for the model is not for pages or views to call.
        if (!McpToolClient.VisibilityOf(tool).Contains("app"))
        {
            return TypedResults.Problem($"The tool '{name}' is for the assistant only; ask in the chat.", statusCode: StatusCodes.Status403Forbidden);
        }
        // The chat's approval card, for a direct call: the caller (a view's host) asks the user, then says so.
        if (McpToolClient.IsDestructive(tool) && !confirmed)
        {
            return TypedResults.Problem($"'{name}' cannot be undone: ask the user, and call again with confirmed=true if they agree. Nothing was done.",
                title: "Confirmation required", statusCode: StatusCodes.Status428PreconditionRequired);
        }
        if (!McpToolClient.IsReadOnly(tool) && await budget.TryTakeAsync(user.UserId!, cancellationToken) is (false, var retryAfter))
        {
            return RateLimiting.TooManyRequests(http, retryAfter, budget.Refusal(retryAfter));
        }
        var args = arguments is { ValueKind: JsonValueKind.Object } obj
            ? obj.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value)
            : [];
        var result = await client.CallToolAsync(user.UserId!, name, args, cancellationToken);
        return TypedResults.Ok(new ToolCallResponse(
            name,
            result.IsError == true,
            result.StructuredContent,
            string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text))));
    }
}

/// <param name="View">The <c>ui://</c> resource that shows this tool's results (MCP Apps), if any.</param>
/// <param name="Visibility">Who may call it: <c>model</c> (the assistant), <c>app</c> (its view, or a page), or both.</param>
public sealed record ToolInfo(string Name, string? Title, string Description, JsonElement InputSchema, bool ReadOnly, bool Destructive, string? View, IReadOnlyList<string> Visibility);

public sealed record ToolCallResponse(string Name, bool IsError, JsonElement? Result, string Text);
