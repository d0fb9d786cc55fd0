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
/// client; these endpoints let a page (or curl) list and call the tools directly.
/// </summary>
public static class ToolEndpoints
{
    public static IEndpointRouteBuilder MapToolEndpoints(this IEndpointRouteBuilder app)
    {
        // 503: the MCP server is not reachable.
        var tools = app.MapGroup("/api/tools").WithTags("Tools").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        tools.MapGet("/", List).WithName("ListTools").WithSummary("The MCP server's tools, with their descriptions and input schemas.");
        tools.MapPost("/{name}", Call).WithName("CallTool").ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Calls one tool with a JSON object of arguments, as the signed-in user. Write tools spend the user's write budget.");
        return app;
    }

    private static async Task<Ok<IEnumerable<ToolInfo>>> List(McpToolClient client, ICurrentUser user, CancellationToken cancellationToken)
    {
        var tools = await client.ListToolsAsync(user.UserId!, cancellationToken);
        return TypedResults.Ok(tools.Select(t => new ToolInfo(t.Name, t.Description, t.JsonSchema)));
    }

    private static async Task<Results<Ok<ToolCallResponse>, ProblemHttpResult>> Call(
        HttpContext http, McpToolClient client, WriteBudget budget, ICurrentUser user, string name, JsonElement? arguments, CancellationToken cancellationToken)
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

public sealed record ToolInfo(string Name, string Description, JsonElement InputSchema);

public sealed record ToolCallResponse(string Name, bool IsError, JsonElement? Result, string Text);
