using System.Text.Json;
using McpStack.Api.Delegation;
using McpStack.Api.Features;
using McpStack.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpStack.Api.Tools;

/// <summary>
/// The MCP server's prompts, for the chat's slash menu: the same definitions Claude's or VS Code's menu shows, filled in
/// by the server for the signed-in user (they read the user's own tasks), and the values an argument can take.
/// </summary>
public static class PromptEndpoints
{
    public static IEndpointRouteBuilder MapPromptEndpoints(this IEndpointRouteBuilder app)
    {
        var prompts = app.MapGroup("/api/prompts").WithTags("Prompts").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        prompts.MapGet("/", List).WithName("ListPrompts").WithSummary("The MCP server's prompts, with their arguments.");
        prompts.MapPost("/{name}", Get).WithName("GetPrompt").ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("One prompt's text, filled in with the given arguments for the signed-in user.");
        prompts.MapPost("/{name}/complete", Complete).WithName("CompletePromptArgument").ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Values for one of a prompt's arguments, starting with what was typed.");
        return app;
    }

    private static async Task<Ok<IEnumerable<PromptInfo>>> List(McpToolClient client, ICurrentUser user, CancellationToken cancellationToken)
    {
        var prompts = await client.ListPromptsAsync(user.UserId!, cancellationToken);
        return TypedResults.Ok(prompts.Select(p => new PromptInfo(
            p.Name, p.Title, p.Description,
            [.. (p.Arguments ?? []).Select(a => new PromptArgumentInfo(a.Name, a.Title, a.Description, a.Required == true))])));
    }

    private static async Task<Results<Ok<PromptText>, ProblemHttpResult>> Get(
        McpToolClient client, ICurrentUser user, string name, PromptRequest? request, CancellationToken cancellationToken)
    {
        if (await FindAsync(client, user, name, cancellationToken) is not { } prompt) return NoSuchPrompt(name);
        var arguments = request?.Arguments ?? new Dictionary<string, string>();
        if (arguments.Keys.FirstOrDefault(k => prompt.Arguments?.Any(a => a.Name == k) != true) is { } unknown)
        {
            return TypedResults.Problem($"The prompt '{name}' takes no argument '{unknown}'.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (prompt.Arguments?.FirstOrDefault(a => a.Required == true && string.IsNullOrWhiteSpace(arguments.GetValueOrDefault(a.Name))) is { } missing)
        {
            return TypedResults.Problem($"The prompt '{name}' needs '{missing.Name}'.", statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            var result = await client.GetPromptAsync(user.UserId!, name, arguments.ToDictionary(a => a.Key, a => (object?)a.Value), cancellationToken);
            var text = string.Join("\n\n", result.Messages.Where(m => m.Role == Role.User).Select(m => m.Content).OfType<TextContentBlock>().Select(c => c.Text));
            return TypedResults.Ok(new PromptText(name, result.Description, text));
        }
        catch (McpProtocolException e) when (e.ErrorCode == McpErrorCode.InvalidParams)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<Results<Ok<CompletionValues>, ProblemHttpResult>> Complete(
        McpToolClient client, ICurrentUser user, string name, CompletionRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Argument)) return TypedResults.Problem("Name the argument to complete.", statusCode: StatusCodes.Status400BadRequest);
        if (await FindAsync(client, user, name, cancellationToken) is not { } prompt) return NoSuchPrompt(name);
        if (prompt.Arguments?.Any(a => a.Name == request.Argument) != true)
        {
            return TypedResults.Problem($"The prompt '{name}' takes no argument '{request.Argument}'.", statusCode: StatusCodes.Status400BadRequest);
        }
        var completion = await client.CompletePromptArgumentAsync(user.UserId!, name, request.Argument, request.Value ?? "", cancellationToken);
        return TypedResults.Ok(new CompletionValues([.. completion.Values], completion.HasMore == true));
    }

    private static async Task<Prompt?> FindAsync(McpToolClient client, ICurrentUser user, string name, CancellationToken cancellationToken) =>
        (await client.ListPromptsAsync(user.UserId!, cancellationToken)).FirstOrDefault(p => p.Name == name);

    private static ProblemHttpResult NoSuchPrompt(string name) =>
        TypedResults.Problem($"There is no prompt named '{name}'.", statusCode: StatusCodes.Status404NotFound);
}

public sealed record PromptInfo(string Name, string? Title, string? Description, IReadOnlyList<PromptArgumentInfo> Arguments);

public sealed record PromptArgumentInfo(string Name, string? Title, string? Description, bool Required);

public sealed record PromptRequest(Dictionary<string, string>? Arguments);

/// <param name="Text">The prompt's user message(s), to send to the chat as the user's own.</param>
public sealed record PromptText(string Name, string? Description, string Text);

public sealed record CompletionRequest(string Argument, string? Value);

public sealed record CompletionValues(IReadOnlyList<string> Values, bool HasMore);
