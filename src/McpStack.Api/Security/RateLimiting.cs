using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using McpStack.Hosting;
using McpStack.Hosting.Auth;

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

/// <summary>Per-user limits (by the user's id: issuer and subject) with the built-in rate limiter; refusals are 429 with Retry-After.</summary>
public static class RateLimiting
{
    public const string Chat = "chat";

    public static IServiceCollection AddPerUserRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(RateLimitOptions.SectionName);
        services.AddOptions<RateLimitOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var limits = section.Get<RateLimitOptions>() ?? new RateLimitOptions();

        services.AddSingleton<WriteBudget>();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Chat, context => PerUser(context, limits.ChatTurnsPerMinute));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await TooManyRequests(context.HttpContext, retryAfter, $"You have reached your limit for now; try again in {PerUserWriteLimit.Seconds(retryAfter)} s.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>The endpoint spends one of the user's writes (<see cref="WriteBudget"/>) or answers 429.</summary>
    public static RouteHandlerBuilder RequireWriteBudget(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var budget = http.RequestServices.GetRequiredService<WriteBudget>();
            var user = http.RequestServices.GetRequiredService<Data.ICurrentUser>().UserId!;
            return budget.TryTake(user, out var retryAfter) ? await next(context) : TooManyRequests(http, retryAfter, budget.Refusal(retryAfter));
        }).ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>A 429 problem with <c>Retry-After</c>.</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = PerUserWriteLimit.Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
    }

    private static RateLimitPartition<string> PerUser(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.User.FindFirstValue(JwtAuthenticationExtensions.UserKeyClaim) ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
