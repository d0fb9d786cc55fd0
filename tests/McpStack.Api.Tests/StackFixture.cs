using System.Net.Http.Json;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

/// <summary>
/// The api and the MCP server, each on its own loopback port, on one database, with a token issuer standing in for
/// the web tier. The MCP server trusts the api's delegation key and, like a deployment that lets external MCP clients
/// in, the web tier's issuer too (so the audience, not the issuer, is what keeps a browser token out).
/// </summary>
public abstract class StackFixture(DatabaseProvider provider, params string[] apiArgs) : IAsyncLifetime
{
    /// <summary>Registrations to replace in the api (a scripted model).</summary>
    protected virtual void OverrideServices(IServiceCollection services)
    {
    }

    public TestIssuer Issuer { get; private set; } = null!;
    public TestDatabase Database { get; private set; } = null!;
    public ApiHost Api { get; private set; } = null!;
    public McpServerHost Mcp { get; private set; } = null!;

    /// <summary>Production, as the Dockerfiles run the services; Development, as <c>./run.sh</c> does.</summary>
    protected virtual string EnvironmentName => "Production";

    /// <summary>Additions to the MCP server's services (a telemetry exporter the test reads).</summary>
    protected virtual void ConfigureMcp(IMcpServerBuilder mcp)
    {
    }

    /// <summary>Settings for the MCP server beyond the defaults.</summary>
    protected virtual string[] McpArgs => [];

    /// <summary>Settings for the api beyond the defaults; a fixture may start what they point at first.</summary>
    protected virtual Task<string[]> ApiArgsAsync() => Task.FromResult(apiArgs);

    public virtual async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Database = await TestDatabase.CreateAsync(provider);
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var mcpUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var environment = $"--environment={EnvironmentName}";
        Mcp = await McpServerHost.StartAsync(Database, [(apiUrl, apiUrl + "/.well-known/jwks.json"), (Issuer.Issuer, Issuer.JwksUrl)], mcpUrl, ConfigureMcp, [environment, .. McpArgs]);
        Api = await ApiHost.StartAsync(Database, Issuer, apiUrl, Mcp.ResourceUrl, [environment, .. await ApiArgsAsync()], OverrideServices);
    }

    public virtual async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Mcp.DisposeAsync();
        await Database.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    /// <summary>A browser token for <paramref name="user"/>, as the web tier would issue it.</summary>
    public string TokenFor(string user) => Issuer.CreateToken(user, Api.Audience);

    public HttpClient ClientFor(string user) => Api.CreateClient(TokenFor(user));
}

public sealed class SqliteStack() : StackFixture(DatabaseProvider.Sqlite);

public sealed class PostgresStack() : StackFixture(DatabaseProvider.Postgres);

/// <summary>The stack as <c>./run.sh</c> starts it: Development.</summary>
public sealed class DevelopmentStack() : StackFixture(DatabaseProvider.Sqlite)
{
    protected override string EnvironmentName => "Development";
}

/// <summary>A stack with a low write limit, for the rate-limit tests.</summary>
public sealed class RateLimitedStack() : StackFixture(DatabaseProvider.Sqlite, "--RateLimits:WritesPerMinute=3");

internal static class Http
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>())!;

    public static string NewUser(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
}
