using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

// The .NET developer's alternative to ./run.sh: every tier under Aspire's orchestrator, with the dashboard showing
// their logs, traces and metrics. SQLite by default; AppHost:Database=postgres runs PostgreSQL in a container.
var builder = DistributedApplication.CreateBuilder(args);
var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var webDirectory = Path.Combine(root, "web");
var dataDirectory = Path.GetFullPath(builder.Configuration["AppHost:DataDirectory"] is { Length: > 0 } data ? data : Path.Combine(root, "data"));
Directory.CreateDirectory(dataDirectory);

var database = builder.Configuration["AppHost:Database"] ?? "sqlite";
object databaseUrl = database switch
{
    "sqlite" => $"sqlite:///{Path.Combine(dataDirectory, "mcpstack.db")}",
    "postgres" when ContainerRuntime.Find() is null => throw new DistributedApplicationException(
        "AppHost:Database=postgres runs PostgreSQL in a container, and no container engine (docker or podman) is on the PATH. " +
        "Install one, or use the default SQLite (AppHost:Database=sqlite), or point DATABASE_URL at a server you run with ./run.sh."),
    "postgres" => builder.AddPostgres("postgres").WithDataVolume().AddDatabase("mcpstack").Resource,
    _ => throw new DistributedApplicationException($"AppHost:Database is '{database}': use sqlite (the default) or postgres."),
};

// Better Auth's signing secret: generated once, kept in this project's user secrets.
var authSecret = builder.AddParameter("better-auth-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Migrations first, once, by the MCP server's `migrate` command (as the compose file and the Kubernetes job do).
var migrate = builder.AddProject<Projects.McpStack_Mcp>("migrate", o => o.ExcludeLaunchProfile = true)
    .WithArgs("migrate")
    .WithDatabase(databaseUrl);

var mcp = builder.AddProject<Projects.McpStack_Mcp>("mcp");
var api = builder.AddProject<Projects.McpStack_Api>("api");
var authMigrate = builder.AddExecutable("web-migrate", "node", webDirectory, "node_modules/tsx/dist/cli.mjs", "scripts/migrate.ts");
// The web tier's packages, the first time only: npm install rewrites package-lock.json, which would make ./run.sh
// rebuild the web tier (and a change of packages is `npm install`'s to make, as in any Node project).
if (!File.Exists(Path.Combine(webDirectory, "node_modules", ".package-lock.json")))
{
    authMigrate.WaitForCompletion(builder.AddExecutable("web-install", "npm", webDirectory, "install", "--no-audit", "--no-fund", "--loglevel=error"));
}
// No TRUSTED_PROXIES: Aspire's endpoint proxy forwards connections without an X-Forwarded-For, so the web tier sees every
// browser as the proxy's loopback address (one sign-in budget for the developer's machine, nothing a client can choose).
var web = builder.AddExecutable("web", "node", webDirectory, "node_modules/next/dist/bin/next", "dev")
    .WithHttpEndpoint(port: 3000, env: "PORT")
    .WithExternalHttpEndpoints()
    .WithOtlpExporter()
    .WaitForCompletion(authMigrate);

var mcpUrl = mcp.GetEndpoint("http");
var apiUrl = api.GetEndpoint("http");
var webUrl = web.GetEndpoint("http");

// Trusts the api's delegation tokens, and signs MCP clients in with the web tier (as ./run.sh starts it).
mcp.WithDatabase(databaseUrl)
    .WithEnvironment("Mcp__ResourceUrl", ReferenceExpression.Create($"{mcpUrl}/mcp"))
    .WithEnvironment("Auth__Issuers__0__Issuer", apiUrl)
    .WithEnvironment("Auth__Issuers__0__JwksUrl", ReferenceExpression.Create($"{apiUrl}/.well-known/jwks.json"))
    .WithEnvironment("Auth__Issuers__1__Issuer", webUrl)
    .WithEnvironment("Auth__Issuers__1__JwksUrl", ReferenceExpression.Create($"{webUrl}/api/auth/jwks"))
    .WithEnvironment("Auth__Issuers__1__UserNamespace", "")
    .WithEnvironment("Auth__Issuers__1__AuthorizationServer", "true")
    .WithEnvironment("Auth__Issuers__1__MaxTokenLifetime", "00:05:00")
    .WithEnvironment("Auth__Issuers__1__TokenStatusUrl", ReferenceExpression.Create($"{webUrl}/api/oauth/token-status"))
    .WithHttpHealthCheck("/health")
    .WaitForCompletion(migrate);

api.WithDatabase(databaseUrl)
    .WithEnvironment("MCP_SERVER_URL", ReferenceExpression.Create($"{mcpUrl}/mcp"))
    .WithEnvironment("API_URL", apiUrl)
    .WithEnvironment("BETTER_AUTH_URL", webUrl)
    .WithEnvironment("BETTER_AUTH_AUDIENCE", apiUrl)
    .WithEnvironment("FRONTEND_URL", webUrl)
    .WithModelSettings()
    .WithHttpHealthCheck("/health/ready")
    .WithExternalHttpEndpoints()
    .WaitForCompletion(migrate);

foreach (var node in new[] { authMigrate, web })
{
    node.WithEnvironment("BETTER_AUTH_URL", webUrl)
        .WithEnvironment("BETTER_AUTH_SECRET", authSecret)
        .WithEnvironment("BETTER_AUTH_AUDIENCE", apiUrl)
        .WithEnvironment("NEXT_PUBLIC_API_URL", apiUrl)
        .WithEnvironment("MCP_SERVER_URL", ReferenceExpression.Create($"{mcpUrl}/mcp"))
        .WithEnvironment("AUTH_DATABASE_URL", $"file:{Path.Combine(dataDirectory, "auth.db")}")
        .WithEnvironment("NEXT_TELEMETRY_DISABLED", "1");
}
web.WithHttpHealthCheck("/sign-in");

builder.Build().Run();

internal static class AppHostResources
{
    /// <summary>DATABASE_URL: a SQLite file, or the PostgreSQL database's connection string.</summary>
    public static IResourceBuilder<ProjectResource> WithDatabase(this IResourceBuilder<ProjectResource> project, object databaseUrl) => databaseUrl switch
    {
        string url => project.WithEnvironment("DATABASE_URL", url),
        IResourceWithConnectionString server => project.WithEnvironment("DATABASE_URL", server.ConnectionStringExpression)
            .WaitFor(project.ApplicationBuilder.CreateResourceBuilder(server)),
        _ => throw new ArgumentException("A database URL or a database resource.", nameof(databaseUrl)),
    };

    /// <summary>The chat model's settings from the app host's own environment (OPENAI_API_KEY, Chat__Provider, …), when set.</summary>
    public static IResourceBuilder<ProjectResource> WithModelSettings(this IResourceBuilder<ProjectResource> api) => api.WithEnvironment(context =>
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("Chat__", StringComparison.Ordinal) || name.StartsWith("OPENAI_", StringComparison.Ordinal)
                || name.StartsWith("AZURE_OPENAI_", StringComparison.Ordinal) || name.StartsWith("OLLAMA_", StringComparison.Ordinal))
            {
                context.EnvironmentVariables[name] = Environment.GetEnvironmentVariable(name)!;
            }
        }
    });
}

internal static class ContainerRuntime
{
    private static readonly string[] Engines = ["docker", "podman"];

    /// <summary>The container engine Aspire would use, if one is on the PATH.</summary>
    public static string? Find() => Engines.FirstOrDefault(engine =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, engine))));
}
