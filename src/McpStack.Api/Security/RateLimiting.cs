using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using McpStack.Hosting;

namespace McpStack.Api.Security;

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Writes (create, update, delete, tool calls) one user may make per minute.</summary>
    [Range(1, 100_000)]
    public int WritesPerMinute { get; set; } = 120;

    /// <summary>Chat turns one user may start per minute.</summary>
    [Range(1, 10_000)]
    public int ChatTurnsPerMinute { get; set; } = 20;
}

/// <summary>Per-user limits (by the user's id: issuer and subject); refusals are 429 problems with Retry-After.</summary>
public static class RateLimiting
{
    public static IServiceCollection AddPerUserRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WriteBudget>();
        services.AddSingleton<ChatTurnBudget>();
        return services;
    }

    /// <summary>The endpoint spends one of the user's writes (<see cref="WriteBudget"/>) or answers 429.</summary>
    public static RouteHandlerBuilder RequireWriteBudget(this RouteHandlerBuilder endpoint) => endpoint.RequireBudget<WriteBudget>();

    /// <summary>The endpoint starts one of the user's chat turns (<see cref="ChatTurnBudget"/>) or answers 429.</summary>
    public static RouteHandlerBuilder RequireChatBudget(this RouteHandlerBuilder endpoint) => endpoint.RequireBudget<ChatTurnBudget>();

    private static RouteHandlerBuilder RequireBudget<TBudget>(this RouteHandlerBuilder endpoint) where TBudget : PerUserLimit =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var budget = http.RequestServices.GetRequiredService<TBudget>();
            var user = http.RequestServices.GetRequiredService<Data.ICurrentUser>().UserId!;
            var (taken, retryAfter) = await budget.TryTakeAsync(user, http.RequestAborted);
            return taken ? await next(context) : TooManyRequests(http, retryAfter, budget.Refusal(retryAfter));
        }).ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>A 429 problem with <c>Retry-After</c>.</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = PerUserLimit.Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
    }
}
