using McpStack.Api.Delegation;
using McpStack.Api.Features;
using McpStack.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using System.Text.Json.Nodes;

namespace McpStack.Api.Tools;

/// <summary>
/// The MCP server's resources, read on the signed-in user's behalf: a tool's view (<c>ui://</c>, MCP Apps) for the chat
/// to render, and what a view reads itself (<c>task://{id}</c>). The browser never talks to the MCP server.
/// </summary>
public static class ResourceEndpoints
{
    /// <summary>The longest resource URI read, as the MCP server bounds what it answers.</summary>
    public const int MaxUriLength = 2000;

    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/resources").WithTags("Resources").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable)
            .MapPost("/read", Read).WithName("ReadResource").ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Reads one of the MCP server's resources (a tool's view, a task) as the signed-in user.");
        return app;
    }

    private static async Task<Results<Ok<ResourceRead>, ProblemHttpResult>> Read(McpToolClient client, ICurrentUser user, ResourceReadRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Uri) || request.Uri.Length > MaxUriLength || !Uri.TryCreate(request.Uri, UriKind.Absolute, out _))
        {
            return TypedResults.Problem($"Give the resource's absolute URI (up to {MaxUriLength} characters), e.g. ui://tasks/list.", statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            var result = await client.ReadResourceAsync(user.UserId!, request.Uri, cancellationToken);
            return TypedResults.Ok(new ResourceRead([.. result.Contents.Select(c => new ResourceContent(
                c.Uri, c.MimeType, (c as TextResourceContents)?.Text, (c as BlobResourceContents)?.Blob is { } blob ? Convert.ToBase64String(blob.Span) : null, c.Meta))]));
        }
        catch (McpProtocolException e) when (e.ErrorCode is McpErrorCode.ResourceNotFound or McpErrorCode.InvalidParams)
        {
            return TypedResults.Problem($"There is no resource at {request.Uri}, or it is not yours.", statusCode: StatusCodes.Status404NotFound);
        }
    }
}

public sealed record ResourceReadRequest(string Uri);

public sealed record ResourceRead(IReadOnlyList<ResourceContent> Contents);

/// <param name="Meta">The content's <c>_meta</c>: for a view, <c>ui</c> (its content security policy, its border).</param>
public sealed record ResourceContent(string Uri, string? MimeType, string? Text, string? Blob, JsonObject? Meta);
