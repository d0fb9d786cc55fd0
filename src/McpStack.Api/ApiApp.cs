using McpStack.Api.Chat;
using McpStack.Api.Conversations;
using McpStack.Api.Delegation;
using McpStack.Api.Features;
using McpStack.Api.Profile;
using McpStack.Api.Security;
using McpStack.Api.Tools;
using McpStack.Data;
using McpStack.Hosting;
using McpStack.Hosting.Auth;
using Scalar.AspNetCore;

namespace McpStack.Api;

/// <summary>Builds the api; <c>Program</c> runs it and the tests start it on a free port.</summary>
public static class ApiApp
{
    public const string CorsPolicy = "frontend";

    /// <param name="args">Command-line arguments (configuration).</param>
    /// <param name="overrideServices">Replaces registrations after the app's own, for tests (a scripted model).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        AddPatternVariableNames(builder.Configuration);
        var configuration = builder.Configuration;

        builder.AddServiceDefaults("mcpstack-api");
        builder.Services.AddAppData(configuration.GetDatabaseConnection(builder.Environment.ContentRootPath));
        builder.Services.AddTrustedJwtBearer(configuration);
        builder.Services.AddAuthorization();
        builder.Services.AddPerUserRateLimits(configuration);
        builder.Services.AddMcpDelegation(configuration);
        builder.Services.AddChat(configuration);
        builder.Services.AddApiDocument();
        builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [])
            .WithHeaders("Authorization", "Content-Type", "Accept", "Last-Event-ID")
            .WithMethods("GET", "POST", "PATCH", "DELETE")
            .WithExposedHeaders("Location", "Retry-After")));

        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.WarmUpDatabase();
        app.Logger.LogInformation("Chat model: {Model}", app.Services.GetRequiredService<ChatModel>() is { Client: null }
            ? "none: the chat answers slash commands only (/help). Set OPENAI_API_KEY or Chat:Provider to use a model"
            : app.Services.GetRequiredService<ChatModel>().Description);
        app.UseProblemDetailsErrors();
        app.UseSecurityHeaders();
        app.UseCors(CorsPolicy);
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthEndpoints();
        app.MapDelegationJwks();
        app.MapProfileEndpoints();
        // The domain's features (the sample's tasks, and any added later): each maps itself.
        app.MapEndpointGroups();
        app.MapToolEndpoints();
        app.MapPromptEndpoints();
        app.MapResourceEndpoints();
        app.MapChatEndpoints();
        app.MapConversationEndpoints();
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference("/docs");
        }
        return app;
    }

    /// <summary>The Python pattern's environment variables keep working, under the configuration keys they mean.</summary>
    private static void AddPatternVariableNames(ConfigurationManager configuration)
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name);
        var betterAuthUrl = Env("BETTER_AUTH_URL")?.TrimEnd('/');
        configuration.AddAliases(
            ("Auth:Issuers:0:Issuer", Env("BETTER_AUTH_ISSUER") ?? betterAuthUrl),
            ("Auth:Issuers:0:JwksUrl", Env("BETTER_AUTH_JWKS_URL") ?? (betterAuthUrl is null ? null : betterAuthUrl + "/api/auth/jwks")),
            ("Auth:Audience", Env("BETTER_AUTH_AUDIENCE")),
            ("Delegation:McpServerUrl", Env("MCP_SERVER_URL")),
            ("Delegation:Issuer", Env("API_URL")),
            ("Cors:AllowedOrigins:0", Env("FRONTEND_URL")),
            ("Chat:ApiKey", Env("OPENAI_API_KEY") ?? Env("AZURE_OPENAI_API_KEY")),
            ("Chat:Model", Env("OPENAI_MODEL") ?? Env("AZURE_OPENAI_DEPLOYMENT") ?? Env("OLLAMA_MODEL")),
            ("Chat:Endpoint", Env("OPENAI_BASE_URL") ?? Env("AZURE_OPENAI_ENDPOINT") ?? Env("OLLAMA_URL")));
    }
}
