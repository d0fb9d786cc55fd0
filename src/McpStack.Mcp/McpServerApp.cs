using McpStack.Data;
using McpStack.Hosting;
using McpStack.Hosting.Auth;
using McpStack.Mcp.Apps;
using McpStack.Mcp.Resources;
using McpStack.Mcp.Security;
using McpStack.Mcp.Tools;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;

namespace McpStack.Mcp;

/// <summary>Builds the MCP server; <c>Program</c> runs it and the tests start it on a free port.</summary>
public static class McpServerApp
{
    public const string Path = "/mcp";

    private const string BrowserClients = "mcp-browser-clients";

    /// <param name="args">Command-line arguments (configuration).</param>
    /// <param name="configureMcp">Adds to the MCP server, for tests (the conformance suite's fixtures).</param>
    public static WebApplication Build(string[] args, Action<IMcpServerBuilder>? configureMcp = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;

        // MCP_SERVER_URL names this endpoint for the api; here it is the resource URL (the audience of its tokens).
        configuration.AddAliases(("Mcp:ResourceUrl", Environment.GetEnvironmentVariable("MCP_SERVER_URL")));
        var resourceUrl = configuration["Mcp:ResourceUrl"] ?? new McpEndpointOptions().ResourceUrl;
        builder.Services.AddOptions<McpEndpointOptions>()
            .Bind(configuration.GetSection(McpEndpointOptions.SectionName))
            .Configure(o => o.ResourceUrl = resourceUrl)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var endpoint = configuration.GetSection(McpEndpointOptions.SectionName).Get<McpEndpointOptions>() ?? new McpEndpointOptions();

        var resource = new Uri(resourceUrl);
        var resourceMetadataUrl = $"{resource.GetLeftPart(UriPartial.Authority)}/.well-known/oauth-protected-resource{resource.AbsolutePath.TrimEnd('/')}";
        var tools = ToolCatalog.Of(typeof(McpServerApp).Assembly);

        builder.AddServiceDefaults("mcpstack-mcp");
        builder.Services.AddAppData(configuration.GetDatabaseConnection(builder.Environment.ContentRootPath));

        builder.Services
            .AddTrustedJwtBearer(configuration, McpAuthenticationDefaults.AuthenticationScheme, o => o.Audience = string.IsNullOrEmpty(o.Audience) ? resourceUrl : o.Audience)
            .AddMcp(o =>
            {
                // From configuration, never from the request's Host header (which a client chooses).
                o.ResourceMetadataUri = new Uri(resourceMetadataUrl);
                o.ResourceMetadata = new ProtectedResourceMetadata
                {
                    Resource = resourceUrl,
                    // Only issuers a client can sign in with (OAuth authorization servers): not the api, which signs nobody in.
                    AuthorizationServers = [.. (configuration.GetSection(JwtAuthOptions.SectionName).Get<JwtAuthOptions>()?.Issuers ?? [])
                        .Where(i => i.AuthorizationServer).Select(i => i.Issuer)],
                    ScopesSupported = [.. ToolScopes.All],
                    BearerMethodsSupported = ["header"],
                    ResourceName = "McpStack tasks",
                };
            });
        builder.Services.AddAuthorization();

        var mcp = builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "mcpstack", Version = typeof(McpServerApp).Assembly.GetName().Version?.ToString(3) ?? "1.0.0" })
            .WithHttpTransport(o => o.Stateless = true)
            // Every [McpServerToolType] class here: a feature's tools need no registration.
            .WithToolsFromAssembly(typeof(McpServerApp).Assembly)
            // Prompts for slash menus and resources to attach as context, found the same way, with each feature's
            // listed resources and argument completions (Resources/ResourceListings.cs).
            .WithPromptsFromAssembly(typeof(McpServerApp).Assembly)
            .WithResourcesFromAssembly(typeof(McpServerApp).Assembly)
            .WithFeatureListingsAndCompletions()
            // MCP Apps: the extension declared, each tool's view in its _meta.ui (Apps/McpApps.cs).
            .WithMcpApps()
            .WithToolRefusals(tools)
            .WithToolWriteLimit(tools)
            .WithCacheableToolList(endpoint.ToolListTimeToLive);
        configureMcp?.Invoke(mcp);

        // Browser-based MCP clients on the allowed origins: they must read the challenge and send the MCP headers.
        builder.Services.AddCors(o => o.AddPolicy(BrowserClients, policy => policy
            .WithOrigins([.. endpoint.AllowedOrigins.Select(x => x.TrimEnd('/'))])
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Accept", "Last-Event-ID", "MCP-Protocol-Version", "Mcp-Session-Id", "Mcp-Method", "Mcp-Name")
            .WithExposedHeaders("WWW-Authenticate", "Mcp-Session-Id", "MCP-Protocol-Version")));

        var app = builder.Build();
        app.WarmUpDatabase();
        app.UseProblemDetailsErrors();
        app.UseSecurityHeaders();

        var allowedOrigins = new HashSet<string>(endpoint.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase)
        {
            new Uri(resourceUrl).GetLeftPart(UriPartial.Authority),
        };
        var allowedHosts = AllowedHosts(endpoint, resourceUrl, app.Environment);
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), b => b.UseMiddleware<OriginValidationMiddleware>((IReadOnlySet<string>)allowedOrigins, (IReadOnlySet<string>)allowedHosts));

        app.UseCors(BrowserClients);
        app.UseAuthentication();
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), b => b.UseMiddleware<ToolScopeMiddleware>(tools, resourceMetadataUrl));
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapMcp(Path).RequireAuthorization();

        if (app.Environment.IsDevelopment())
        {
            app.Lifetime.ApplicationStarted.Register(() =>
                app.Logger.LogInformation("MCP endpoint {ResourceUrl}, trusting tokens from {Issuers}",
                    resourceUrl, string.Join(", ", app.Services.GetRequiredService<IOptions<JwtAuthOptions>>().Value.Issuers.Select(i => i.Issuer))));
        }
        return app;
    }

    /// <summary>
    /// Host names <c>/mcp</c> answers to, against DNS rebinding: <c>Mcp:AllowedHosts</c> with the resource URL's host;
    /// unset, in Development (a developer's machine, the target of rebinding) the resource host and loopback names,
    /// and elsewhere any (behind an ingress that routes by host, the Origin check stands).
    /// </summary>
    /// <returns>The host names, or none for "any".</returns>
    private static HashSet<string> AllowedHosts(McpEndpointOptions endpoint, string resourceUrl, IHostEnvironment environment)
    {
        if (endpoint.AllowedHosts.Count == 0 && !environment.IsDevelopment()) return [];
        var hosts = new HashSet<string>(endpoint.AllowedHosts, StringComparer.OrdinalIgnoreCase) { new Uri(resourceUrl).Host };
        if (endpoint.AllowedHosts.Count == 0) hosts.UnionWith(["localhost", "127.0.0.1", "[::1]"]);
        return hosts;
    }
}
