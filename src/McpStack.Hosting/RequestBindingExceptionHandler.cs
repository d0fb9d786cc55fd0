using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace McpStack.Hosting;

/// <summary>
/// A request the endpoint could not bind (malformed JSON, a wrong type, a number out of range, an unknown enum name,
/// JSON nested too deeply, a duplicate key, a missing body) becomes a 400 problem naming the field, in every
/// environment. Minimal APIs throw <see cref="BadHttpRequestException"/> for these (always, see
/// <see cref="ServiceDefaults"/>); left alone, the exception handler would answer 500. The exception's own text
/// never reaches the client: the messages are written here from the field and the type it expects.
/// </summary>
public sealed partial class RequestBindingExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        // The middleware clears the endpoint before handlers run; its feature keeps the one that threw.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var problem = Describe(bad, endpoint?.Metadata.GetMetadata<MethodInfo>());
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <param name="exception">What the binder threw.</param>
    /// <param name="handler">The endpoint's handler, whose parameter types say what each field expects.</param>
    public static ProblemDetails Describe(BadHttpRequestException exception, MethodInfo? handler)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var parameter = ParameterName().Match(exception.Message) is { Success: true } p
            ? handler?.GetParameters().FirstOrDefault(x => x.Name == p.Groups["name"].Value)
            : null;
        return exception switch
        {
            { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = "Send a smaller body.",
            },
            { InnerException: JsonException json } when IsSyntaxError(json) => Invalid("body",
                $"The body is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine}): check quotes, commas and " +
                "brackets; objects may nest at most 64 levels."),
            { InnerException: JsonException json } when DuplicateProperty().Match(json.Message) is { Success: true } d =>
                Invalid(FieldOf(json.Path) ?? d.Groups["name"].Value, $"{d.Groups["name"].Value} appears more than once; give each property once."),
            { InnerException: JsonException json } => Invalid(FieldOf(json.Path) ?? "body",
                $"{FieldOf(json.Path) ?? "The body"} must be {JsonValueShapes.Describe(TypeAt(parameter?.ParameterType, json.Path))}."),
            _ when exception.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal) && parameter is not null =>
                Invalid(parameter.Name!, $"{parameter.Name} must be {JsonValueShapes.Describe(parameter.ParameterType)}."),
            _ when MissingBody().IsMatch(exception.Message) => Invalid("body", "A JSON body is required."),
            _ when parameter is not null && exception.Message.StartsWith("Required parameter", StringComparison.Ordinal) =>
                Invalid(parameter.Name!, $"{parameter.Name} is required."),
            _ => new ProblemDetails { Status = exception.StatusCode, Title = "The request could not be read." },
        };
    }

    private static ValidationProblemDetails Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request has invalid fields.",
            Detail = message,
        };

    /// <summary>The reader's own failures (syntax, truncation, depth) are about the document, not a field.</summary>
    private static bool IsSyntaxError(JsonException json) => json.InnerException?.GetType().Name == "JsonReaderException";

    /// <summary><c>$.approvals[0].approved</c> → <c>approvals[0].approved</c>; null for the document itself.</summary>
    private static string? FieldOf(string? path) => path is null or "$" || !path.StartsWith('$') ? null : path.TrimStart('$', '.');

    /// <summary>The type a JSON path leads to inside <paramref name="root"/>, following property names and list items.</summary>
    private static Type? TypeAt(Type? root, string? path)
    {
        var type = root;
        foreach (Match segment in PathSegment().Matches(path ?? ""))
        {
            if (type is null) return null;
            type = Nullable.GetUnderlyingType(type) ?? type;
            type = segment.Groups["index"].Success
                ? JsonValueShapes.ElementType(type)
                : type.GetProperties().FirstOrDefault(p =>
                    string.Equals(p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, segment.Groups["name"].Value, StringComparison.OrdinalIgnoreCase))?.PropertyType;
        }
        return type;
    }

    [GeneratedRegex("""parameter "(?:[^"]+ )?(?<name>[^" ]+)" """)]
    private static partial Regex ParameterName();

    [GeneratedRegex("""^Implicit body inferred for parameter|was not provided from body""")]
    private static partial Regex MissingBody();

    [GeneratedRegex("""\.(?<name>[^.\[]+)|\[(?<index>\d+)\]""")]
    private static partial Regex PathSegment();

    [GeneratedRegex("^Duplicate property '(?<name>[^']*)'")]
    private static partial Regex DuplicateProperty();
}
