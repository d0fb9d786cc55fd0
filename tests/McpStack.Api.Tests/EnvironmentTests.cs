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
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tasks'";
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

    private sealed class HttpsMetadataStack() : StackFixture(DatabaseProvider.Sqlite, "--Auth:RequireHttpsMetadata=true");
}
