using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
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
    public const string Writes = "writes";
    public const string Chat = "chat";

    public static IServiceCollection AddPerUserRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(RateLimitOptions.SectionName);
        services.AddOptions<RateLimitOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var limits = section.Get<RateLimitOptions>() ?? new RateLimitOptions();

        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Writes, context => PerUser(context, limits.WritesPerMinute));
            options.AddPolicy(Chat, context => PerUser(context, limits.ChatTurnsPerMinute));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"You have reached your limit for now; try again in {seconds} s.",
                    },
                });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerUser(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.User.FindFirstValue(JwtAuthenticationExtensions.UserKeyClaim) ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
