using McpStack.Data;
using Npgsql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpStack.Hosting;

/// <summary>What every McpStack service has: problem details, health probes, telemetry.</summary>
public static partial class ServiceDefaults
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        // Small JSON APIs: 1 MiB of body is plenty (Kestrel's default is 30 MB). Kestrel:Limits:MaxRequestBodySize changes it.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") ?? 1_048_576);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                context.ProblemDetails.Detail ??= "Send the body as JSON, with Content-Type: application/json.";
            }
        });
        builder.Services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>(); // after the built-in one
        // Minimal APIs throw on a body or query they cannot bind only in Development, and answer a bare 400 elsewhere;
        // throwing everywhere lets one handler answer the same problem, naming the field, in every environment.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.AllowDuplicateProperties = false;
            // Numbers are JSON numbers: the web defaults also read "5" as 5, which the OpenAPI document then has to
            // describe as "integer or string" (and a generated client types as number | string).
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddExceptionHandler<RequestBindingExceptionHandler>();
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
        builder.Services.AddOptions<QuotaOptions>().Bind(builder.Configuration.GetSection(QuotaOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RateLimitStoreOptions>().Bind(builder.Configuration.GetSection(RateLimitStoreOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<RateLimitCounter>();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database", tags: [ReadyTag]);
        builder.Services.AddSingleton<DatabaseWarmup>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseWarmup>());
        builder.AddGracefulShutdown();

        // Exports only where a collector is configured; the standard OTEL_* variables tune it.
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // Npgsql's instrumentation only on PostgreSQL: registering it loads Npgsql (1 MiB), which SQLite never uses.
        var postgres = builder.Configuration.GetDatabaseConnection(builder.Environment.ContentRootPath).Provider == DatabaseProvider.Postgres;
        var otel = builder.Services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME wins, as everywhere in OpenTelemetry: the Aspire app host names each service after its resource.
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : serviceName))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                // A span per statement, model call and MCP call costs on every request: made only where spans go somewhere.
                if (exporting)
                {
                    t.AddSource(Telemetry.Mcp, Telemetry.GenAi)
                        // Statements as the provider sends them: parameter placeholders, never their values.
                        .AddEntityFrameworkCoreInstrumentation(o => o.Filter = (provider, _) => provider != Telemetry.NpgsqlEfProvider);
                    if (postgres)
                    {
                        t.AddNpgsql();
                    }
                }
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(Telemetry.Mcp, Telemetry.GenAi, Telemetry.App, Telemetry.EfCore);
                if (postgres)
                {
                    // The connection pool: connections in use and idle, waits for one, and command durations.
                    m.AddNpgsqlInstrumentation();
                }
            });
        if (exporting)
        {
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Exceptions become RFC 7807 problem details without internals; bare status codes get a body too.</summary>
    public static WebApplication UseProblemDetailsErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary><c>/health</c>: the process answers (liveness). <c>/health/ready</c>: its dependencies answer too (readiness).</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReport,
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The status of each check, for anyone (the probe is anonymous and an ingress may expose it); why a check failed
    /// (internal URLs, exception messages) goes to the log, for operators only.
    /// </summary>
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        var failed = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).ToList();
        if (failed.Count > 0)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("McpStack.Health");
            foreach (var (name, entry) in failed) LogCheckFailed(logger, name, entry.Status, entry.Description, entry.Exception);
        }
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString() }),
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is {Status}: {Description}")]
    private static partial void LogCheckFailed(ILogger logger, string check, HealthStatus status, string? description, Exception? exception);
}
