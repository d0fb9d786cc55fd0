using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using McpStack.Hosting;

namespace McpStack.Api.Delegation;

public static class DelegationServiceCollectionExtensions
{
    /// <summary>The MCP client, the delegated-token minting behind it, its resilience and its readiness check.</summary>
    public static IServiceCollection AddMcpDelegation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DelegationOptions>()
            .Bind(configuration.GetSection(DelegationOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate<IHostEnvironment>((o, environment) => environment.IsDevelopment() || !string.IsNullOrWhiteSpace(o.SigningKeyPem), DelegationSigningKey.RequiredMessage)
            // Checked on start (not by `migrate`), so a bad key fails the start instead of the first chat turn.
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKeyPem) || DelegationSigningKey.IsP256PrivateKey(o.SigningKeyPem),
                "Delegation:SigningKeyPem is not an EC P-256 private key in PEM.")
            .ValidateOnStart();
        services.AddSingleton<DelegationSigningKey>();
        services.AddSingleton<DelegatedTokenMinter>();
        services.AddTransient<DelegatedTokenHandler>();
        services.AddSingleton<McpToolClient>();
        services.AddExceptionHandler<ToolServerUnavailableHandler>();

        var toolCallTimeout = configuration.GetSection(DelegationOptions.SectionName).Get<DelegationOptions>()?.ToolCallTimeout ?? new DelegationOptions().ToolCallTimeout;
        services.AddHttpClient(McpToolClient.HttpClientName)
            // Connections are renewed every minute, so calls spread over MCP replicas added since (autoscaling)
            // instead of staying pinned to the ones first reached.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
            .AddHttpMessageHandler<DelegatedTokenHandler>()
            .AddResilienceHandler("mcp", pipeline =>
            {
                // Only failures to connect are retried: a tool call that reached the server may have run (add_task is not idempotent).
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }),
                });
                pipeline.AddTimeout(toolCallTimeout); // Delegation:ToolCallTimeout (it was a fixed 30 s here)
            });

        services.AddHttpClient(McpHealthCheck.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(3));
        services.AddHttpClient(DelegationKeyHealthCheck.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(3));
        services.AddSingleton<DelegationKeyHealthCheck>(); // one instance: it remembers what it found for a while
        // Reported, not used to take the api out of service: REST task endpoints work without the MCP server, so an
        // MCP outage makes readiness Degraded (still 200), not Unhealthy (which would drop every api pod at once).
        services.AddHealthChecks().AddCheck<McpHealthCheck>("mcp", failureStatus: HealthStatus.Degraded, tags: [ServiceDefaults.ReadyTag]);
        // Reported the same way: a replica signing with another key than its peers fails only its own tool calls.
        services.AddHealthChecks().AddCheck<DelegationKeyHealthCheck>("delegation-key", failureStatus: HealthStatus.Degraded, tags: [ServiceDefaults.ReadyTag]);
        return services;
    }
}

/// <summary>Ready only when the MCP server answers its liveness probe.</summary>
public sealed class McpHealthCheck(IHttpClientFactory httpClientFactory, IOptions<DelegationOptions> options) : IHealthCheck
{
    public const string HttpClientName = "mcp-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var url = new Uri(new Uri(options.Value.McpServerUrl), "/health");
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, $"The MCP server at {url} answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The MCP server at {url} does not answer: {e.Message}");
        }
    }
}
