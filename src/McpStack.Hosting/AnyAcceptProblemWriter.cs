using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace McpStack.Hosting;

/// <summary>
/// Writes a problem as JSON whatever the request accepts, after the built-in writer declines: that one writes only when
/// <c>Accept</c> names a JSON type, so a refused chat stream (<c>Accept: text/event-stream</c>: a 409 or a 429) had a
/// status and an empty body instead of saying why.
/// </summary>
internal sealed class AnyAcceptProblemWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), jsonOptions.Value.SerializerOptions, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
