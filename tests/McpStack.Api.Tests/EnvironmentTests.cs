using System.Net;
using McpStack.Api;
using McpStack.Data;
using McpStack.Hosting;
using McpStack.Mcp;
using McpStack.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace McpStack.Api.Tests;

/// <summary>
/// What differs between Development (./run.sh) and Production (the Dockerfiles), each difference the README lists.
/// Everything else (errors, limits, validation, isolation) runs in both environments in the other suites.
/// </summary>
public sealed class EnvironmentTests
{
    [Fact]
    public async Task The_API_reference_and_OpenAPI_document_are_served_in_Development_only()
    {
        var development = new DevelopmentStack();
        var production = new SqliteStack();
        await Task.WhenAll(development.InitializeAsync(), production.InitializeAsync());
        try
        {
            using var dev = development.Api.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync("/openapi/v1.json")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync("/docs")).StatusCode);
            using var prod = production.Api.CreateClient();
            Assert.Equal(HttpStatusCode.NotFound, (await prod.GetAsync("/openapi/v1.json")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await prod.GetAsync("/docs")).StatusCode);
        }
        finally
        {
            await Task.WhenAll(development.DisposeAsync(), production.DisposeAsync());
        }
    }

    [Theory]
    [InlineData("", "openssl ecparam")]
    [InlineData("not a key", "not an EC P-256 private key")]
    public async Task Outside_Development_the_api_refuses_to_start_without_a_valid_delegation_key_and_says_why(string pem, string message)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var issuer = await TestIssuer.StartAsync();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ApiHost.StartAsync(database, issuer, url, url + "/mcp", [$"--Delegation:SigningKeyPem={pem}"]));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Auth:Issuers:0:MaxTokenLifetime=2.00:00:00", "Each Auth:Issuers entry needs")]
    [InlineData("--Auth:Issuers:0:UserNamespace=a|b", "Each Auth:Issuers entry needs")]
    [InlineData("--Shutdown:ReadinessDelay=00:02:00", "Shutdown:ReadinessDelay must be between")]
    [InlineData("--Shutdown:DrainTime=00:00:00", "Shutdown:DrainTime must be between")]
    public async Task A_setting_out_of_bounds_fails_the_start_and_says_which(string setting, string message)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var issuer = await TestIssuer.StartAsync();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ApiHost.StartAsync(database, issuer, url, url + "/mcp", [setting]));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_the_api_generates_a_delegation_key_and_publishes_it()
    {
        var stack = new DevelopmentStack();
        await stack.InitializeAsync();
        try
        {
            using var client = stack.Api.CreateClient();
            var jwks = await client.GetStringAsync("/.well-known/jwks.json");
            Assert.Contains("\"kty\":\"EC\"", jwks, StringComparison.Ordinal);
            using var tools = stack.ClientFor("dev-user");
            Assert.Equal(HttpStatusCode.OK, (await tools.GetAsync("/api/tools")).StatusCode);
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task Outside_Development_a_JWKS_over_plain_http_is_not_trusted()
    {
        var stack = new HttpsMetadataStack();
        await stack.InitializeAsync();
        try
        {
            using var client = stack.ClientFor("http-jwks");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task Migrations_are_applied_on_start_in_Development_only(string environment, bool migrated)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mcpstack-env-{Guid.NewGuid():N}.db");
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        WebApplication? app = null;
        var run = ServiceProgram.RunAsync(
            [$"--environment={environment}", $"--urls={url}", $"--DATABASE_URL=sqlite:///{file}", "--Logging:LogLevel:Default=Warning",
             $"--Mcp:ResourceUrl={url}/mcp", "--Auth:Issuers:0:Issuer=http://127.0.0.1:1", "--Auth:Issuers:0:JwksUrl=http://127.0.0.1:1/jwks.json"],
            args => app = McpServerApp.Build(args));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Equal(HttpStatusCode.OK, await Eventually.WaitForAsync(async () =>
            {
                try { return (await client.GetAsync("/health")).StatusCode; }
                catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
            }, HttpStatusCode.OK, TimeSpan.FromSeconds(30)));

            await using var connection = new SqliteConnection($"Data Source={file}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'conversations'";
            Assert.Equal(migrated ? 1L : 0L, (long)(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            await app!.StopAsync();
            await run;
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_local_development_origins_and_hosts_are_allowed_in_Development_only()
    {
        var development = new DevelopmentStack();
        var production = new SqliteStack();
        await Task.WhenAll(development.InitializeAsync(), production.InitializeAsync());
        try
        {
            foreach (var (stack, allowed) in new (StackFixture, bool)[] { (development, true), (production, false) })
            {
                // CORS on the api for the web tier's default origin, and that origin at /mcp.
                Assert.Equal(allowed, await CorsGrantedAsync(stack, "http://localhost:3000"));
                Assert.False(await CorsGrantedAsync(stack, "http://evil.example"));
                Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, await McpStatusAsync(stack, origin: "http://localhost:3000"));
                Assert.Equal(HttpStatusCode.Forbidden, await McpStatusAsync(stack, origin: "http://evil.example"));
                // DNS rebinding: a request for a host name the server is not, answered only where Host is checked.
                Assert.Equal(allowed ? HttpStatusCode.Forbidden : HttpStatusCode.OK, await McpStatusAsync(stack, host: "evil.example"));
            }
        }
        finally
        {
            await Task.WhenAll(development.DisposeAsync(), production.DisposeAsync());
        }
    }

    [Fact]
    public async Task Outside_Development_Mcp_AllowedHosts_turns_the_Host_check_on()
    {
        var stack = new AllowedHostsStack();
        await stack.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.Forbidden, await McpStatusAsync(stack, host: "evil.example"));
            Assert.Equal(HttpStatusCode.OK, await McpStatusAsync(stack, host: "mcp.internal"));
            Assert.Equal(HttpStatusCode.OK, await McpStatusAsync(stack));
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }

    private static async Task<bool> CorsGrantedAsync(StackFixture stack, string origin)
    {
        using var client = stack.Api.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/tasks");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await client.SendAsync(preflight);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin;
    }

    private static async Task<HttpStatusCode> McpStatusAsync(StackFixture stack, string? origin = null, string? host = null)
    {
        using var client = stack.Mcp.CreateClient(stack.Issuer.CreateToken("env-user", stack.Mcp.ResourceUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (host is not null) request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private sealed class AllowedHostsStack() : StackFixture(DatabaseProvider.Sqlite)
    {
        protected override string[] McpArgs => ["--Mcp:AllowedHosts:0=mcp.internal"];
    }

    private sealed class HttpsMetadataStack() : StackFixture(DatabaseProvider.Sqlite, "--Auth:RequireHttpsMetadata=true");
}
