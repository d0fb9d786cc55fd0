using System.Security.Claims;
using System.Text.Json;
using McpStack.Mcp.Tools;

namespace McpStack.Mcp.Security;

/// <summary>
/// The OAuth scopes of the MCP server: <see cref="Read"/> to list tools and call read-only ones, and for prompts,
/// resources and completions (they read the user's data); <see cref="Write"/> for every other tool. A token lacking the scope a request needs gets the MCP authorization spec's insufficient-scope
/// challenge (403, <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="…"</c>), so a client can ask the user
/// for more and retry. Scopes come from the token's <c>scope</c> (space-separated, RFC 9068) or <c>scp</c> claims.
/// </summary>
public static class ToolScopes
{
    public const string Read = "tasks:read";
    public const string Write = "tasks:write";

    public static readonly string[] All = [Read, Write];

    public static bool Has(ClaimsPrincipal user, string scope) => Granted(user).Contains(scope);

    /// <summary>
    /// The scopes to ask for in a challenge: the MCP server's scopes the token has, and the one it lacks. A client asks
    /// the authorization server for exactly these (SEP-835), so stepping up to write does not drop read.
    /// </summary>
    public static string StepUp(ClaimsPrincipal user, string needed) =>
        string.Join(' ', All.Where(s => s == needed || Has(user, s)));

    private static IEnumerable<string> Granted(ClaimsPrincipal user) =>
        user.FindAll("scope").Concat(user.FindAll("scp")).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The scope a JSON-RPC request needs, or null when it needs none (initialize, ping, notifications).</summary>
    public static string? Needed(JsonElement message, ToolCatalog catalog)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method", out var method)) return null;
        return method.GetString() switch
        {
            // Prompts and resources read the user's tasks: they need what a read-only tool needs.
            "tools/list" or "prompts/list" or "prompts/get" or "resources/list" or "resources/templates/list" or "resources/read" or "completion/complete" => Read,
            "tools/call" => message.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object
                            && p.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                            && catalog.IsReadOnly(name.GetString()!) ? Read : Write,
            _ => null,
        };
    }
}

/// <summary>Checks each <c>/mcp</c> request's scope before the SDK handles it (the body is read once more, from a buffer).</summary>
public sealed class ToolScopeMiddleware(RequestDelegate next, ToolCatalog catalog, string resourceMetadataUrl, ILogger<ToolScopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }
        context.Request.EnableBuffering();
        string? needed;
        try
        {
            // Duplicate keys are refused: this check would read one "name" and the SDK another, so a read-only token
            // could name a write tool first (RFC 8259 leaves duplicates to the parser; here they are invalid params).
            using var document = await JsonDocument.ParseAsync(context.Request.Body, UniqueProperties, context.RequestAborted);
            needed = ToolScopes.Needed(document.RootElement, catalog);
        }
        catch (JsonException e) when (DuplicateProperty(e) is { } property)
        {
            context.Request.Body.Position = 0;
            await RefuseDuplicateAsync(context, property);
            return;
        }
        catch (JsonException)
        {
            needed = null; // not JSON: the SDK answers it with its own parse error
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
        if (needed is null || ToolScopes.Has(context.User, needed))
        {
            await next(context);
            return;
        }
        logger.LogInformation("Refused an MCP request lacking the {Scope} scope", needed);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.Headers.WWWAuthenticate =
            $"Bearer error=\"insufficient_scope\", scope=\"{ToolScopes.StepUp(context.User, needed)}\", resource_metadata=\"{resourceMetadataUrl}\", error_description=\"This needs the {needed} scope.\"";
        await context.Response.WriteAsJsonAsync(new { jsonrpc = "2.0", error = new { code = -32600, message = $"The token lacks the {needed} scope; ask the user to grant it." } });
    }

    private static readonly JsonDocumentOptions UniqueProperties = new() { AllowDuplicateProperties = false };

    /// <summary>The repeated property a parse failed on (System.Text.Json names it in quotes), or null for other failures.</summary>
    private static string? DuplicateProperty(JsonException e) =>
        e.Message.StartsWith("Duplicate property '", StringComparison.Ordinal) && e.Message.IndexOf('\'', 20) is var end and > 20
            ? e.Message[20..end]
            : null;

    /// <summary>JSON-RPC invalid params (400), with the request's id when it has one.</summary>
    private static async Task RefuseDuplicateAsync(HttpContext context, string property)
    {
        JsonElement? id = null;
        using (var lenient = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
        {
            if (lenient.RootElement.ValueKind == JsonValueKind.Object && lenient.RootElement.TryGetProperty("id", out var value)
                && value.ValueKind is JsonValueKind.Number or JsonValueKind.String)
            {
                id = value.Clone();
            }
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.Response.WriteAsJsonAsync(new
        {
            jsonrpc = "2.0",
            id,
            error = new { code = -32602, message = $"Invalid params: the property '{property}' appears more than once in one object; send it once." },
        });
    }
}
