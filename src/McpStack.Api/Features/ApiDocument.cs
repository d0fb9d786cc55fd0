using Microsoft.OpenApi;

namespace McpStack.Api.Features;

/// <summary>
/// The api's OpenAPI document (<c>/openapi/v1.json</c>, Development): complete enough to generate a typed client from,
/// and to lint clean. The bearer scheme every operation needs, an id per operation (<c>WithName</c>), and the problem
/// details each one can answer (<see cref="ProducesProblems"/>).
/// </summary>
public static class ApiDocument
{
    private const string BearerScheme = "bearer";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Tasks"] = "The signed-in user's tasks. Another user's task id answers 404.",
        ["Chat"] = "Chat turns with the assistant, and the stored conversations.",
        ["Tools"] = "The MCP server's tools, called directly as the signed-in user (a page, or a tool's view in the chat).",
        ["Prompts"] = "The MCP server's prompts, for the chat's slash menu, filled in for the signed-in user.",
        ["Resources"] = "The MCP server's resources (tools' views, tasks), read as the signed-in user.",
        ["Profile"] = "Who the token says you are.",
    };

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi(o => o.AddOperationTransformer((operation, _, _) =>
    {
        // A response offered as JSON and as server-sent events (the chat) has one schema per status in the
        // endpoint's metadata: the event stream is text, not the JSON document.
        foreach (var (_, response) in operation.Responses ?? [])
        {
            if (response.Content?.TryGetValue("text/event-stream", out var stream) == true)
            {
                stream.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Server-sent events, `data: <JSON part>` each, ending with `data: [DONE]`." };
            }
        }
        return Task.CompletedTask;
    }).AddDocumentTransformer((document, _, _) =>
    {
        document.Info = new OpenApiInfo
        {
            Title = "McpStack api",
            Version = "v1",
            Description = "The REST api and the chat of McpStack. Every operation takes the web tier's JWT as a bearer token; errors are RFC 7807 problem details.",
        };
        // Relative: the document is served by the api it describes, wherever that runs.
        document.Servers = [new OpenApiServer { Url = "/" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The web tier's JWT for the api (`/api/auth/token`): ES256, `aud` = the api.",
            },
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description = description;
        }
        return Task.CompletedTask;
    }));

    /// <summary>
    /// The problem details an endpoint answers with, besides its success: 400 as a validation problem (field
    /// messages), any other status as a plain problem.
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            if (status == StatusCodes.Status400BadRequest) builder.ProducesValidationProblem();
            else builder.ProducesProblem(status);
        }
        return builder;
    }
}
