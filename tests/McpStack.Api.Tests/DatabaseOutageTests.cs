using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Tasks;
using McpStack.Hosting;
using McpStack.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

/// <summary>PostgreSQL stopped and started again under the running api and MCP server: clear 503s, then recovery without a restart.</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private TestDatabase _database = null!;
    private TestIssuer _issuer = null!;
    private McpServerHost _mcp = null!;
    private ApiHost _api = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartPrivateAsync();
        _database = await TestDatabase.CreateAsync(_postgres);
        _issuer = await TestIssuer.StartAsync();
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        _mcp = await McpServerHost.StartAsync(_database, [(apiUrl, apiUrl + "/.well-known/jwks.json"), (_issuer.Issuer, _issuer.JwksUrl)], $"http://127.0.0.1:{FreePort.Next()}");
        _api = await ApiHost.StartAsync(_database, _issuer, apiUrl, _mcp.ResourceUrl, []);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _mcp.DisposeAsync();
        await _issuer.DisposeAsync();
        await _postgres.StopAsync();
    }

    [Fact]
    public async Task Requests_get_503_while_the_database_is_down_and_work_again_after()
    {
        using var client = _api.CreateClient(_issuer.CreateToken("pat", _api.Audience, lifetime: TimeSpan.FromMinutes(30)));
        using var anonymous = _api.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/tasks", new { title = "Before" })).StatusCode);

        await _postgres.StopAsync();

        using var read = await client.GetAsync("/api/tasks");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(read.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsJsonAsync("/api/tasks", new { title = "During" })).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        using (var tool = await client.PostAsJsonAsync("/api/tools/list_tasks", new { }))
        {
            var result = await tool.Content.ReadFromJsonAsync<McpStack.Api.Tools.ToolCallResponse>();
            Assert.True(result!.IsError);
            Assert.Contains("database is not reachable", result.Text, StringComparison.Ordinal);
        }

        await _postgres.StartAgainAsync();

        Assert.Equal(HttpStatusCode.OK, await Eventually.WaitForAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode, HttpStatusCode.OK, TimeSpan.FromSeconds(20)));
        Assert.Equal(HttpStatusCode.OK, await Eventually.WaitForAsync(async () => (await client.GetAsync("/api/tasks")).StatusCode, HttpStatusCode.OK, TimeSpan.FromSeconds(20)));
        var tasks = await client.GetFromJsonAsync<TaskListResponse>("/api/tasks");
        Assert.Equal(["Before"], tasks!.Items.Select(t => t.Title));
    }
}

/// <summary>
/// The database down when the services start: both still start (the data layer's warm-up gives up quietly), answer
/// liveness, report it on readiness, and are ready once it is up, without a restart.
/// </summary>
public sealed class DatabaseDownAtStartTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private TestDatabase _database = null!;
    private TestIssuer _issuer = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartPrivateAsync();
        _database = await TestDatabase.CreateAsync(_postgres);
        _issuer = await TestIssuer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _issuer.DisposeAsync();
        await _postgres.StopAsync();
    }

    [Fact]
    public async Task Both_services_start_without_it_and_are_ready_once_it_is_up()
    {
        await _postgres.StopAsync();
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var mcp = await McpServerHost.StartAsync(_database, [(apiUrl, apiUrl + "/.well-known/jwks.json"), (_issuer.Issuer, _issuer.JwksUrl)], $"http://127.0.0.1:{FreePort.Next()}");
        await using var api = await ApiHost.StartAsync(_database, _issuer, apiUrl, mcp.ResourceUrl, []);

        foreach (LoopbackHost host in new LoopbackHost[] { mcp, api })
        {
            var warmup = host.Services.GetRequiredService<DatabaseWarmup>().Completion;
            Assert.True(await Task.WhenAny(warmup, Task.Delay(TimeSpan.FromSeconds(30))) == warmup, "the warm-up gives up");
            Assert.True(warmup.IsCompletedSuccessfully);
            using var probe = host.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await probe.GetAsync("/health/ready")).StatusCode);
        }

        await _postgres.StartAgainAsync();

        foreach (LoopbackHost host in new LoopbackHost[] { mcp, api })
        {
            using var probe = host.CreateClient();
            Assert.Equal(HttpStatusCode.OK, await Eventually.WaitForAsync(async () => (await probe.GetAsync("/health/ready")).StatusCode, HttpStatusCode.OK, TimeSpan.FromSeconds(20)));
        }
        using var client = api.CreateClient(_issuer.CreateToken("pat", api.Audience, lifetime: TimeSpan.FromMinutes(30)));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/tasks", new { title = "After" })).StatusCode);
    }
}

/// <summary>The warm-up as a host stops it, including twice at once (found in CI: a second stop after the host's own disposal threw).</summary>
public sealed class DatabaseWarmupStopTests
{
    [Fact]
    public async Task A_stop_after_disposal_is_a_no_op()
    {
        using var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().BuildServiceProvider();
        var warmup = new DatabaseWarmup(services, Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseWarmup>.Instance);
        await warmup.StopAsync(CancellationToken.None);
        warmup.Dispose();
        await warmup.StopAsync(CancellationToken.None); // threw ObjectDisposedException before
        await warmup.Completion;
    }
}
