using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

// One app host at a time: each starts an orchestrator and the same fixed ports, and one test changes PATH.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace McpStack.AppHost.Tests;

/// <summary>The PostgreSQL variant needs a container engine; without one the app host says so before starting anything.</summary>
public sealed class AppHostWithoutContainerEngineTests
{
    [Fact]
    public async Task Asking_for_postgres_with_no_container_engine_stops_with_what_to_do()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", Path.Combine(Path.GetTempPath(), "no-container-engine-here"));
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.McpStack_AppHost>(["--AppHost:Database=postgres"]));
            var message = (error.InnerException ?? error).Message;
            Assert.Contains("no container engine (docker or podman)", message, StringComparison.Ordinal);
            Assert.Contains("AppHost:Database=sqlite", message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}

/// <summary>
/// The Aspire app host started for real (its orchestrator runs the projects and the web tier's npm processes): every
/// resource becomes healthy, and the tiers find each other through what the app host wired.
/// </summary>
public sealed class AppHostTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "mcpstack-apphost-" + Guid.NewGuid().ToString("N")[..8]);
    private DistributedApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.McpStack_AppHost>([$"--AppHost:DataDirectory={_data}"]);
        _app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Every_resource_becomes_healthy_and_the_tiers_are_wired_to_each_other()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        // web-install runs only where the web tier's packages are not installed yet (not here: ./test.sh installed them).
        foreach (var resource in new[] { "migrate", "web-migrate" })
        {
            var done = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.ExitCode is not null, timeout.Token);
            Assert.True(done.Snapshot.ExitCode == 0, $"{resource} exited with {done.Snapshot.ExitCode}");
        }
        foreach (var resource in new[] { "mcp", "api", "web" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        // The web tier signs a user up and issues the token the api accepts: the api trusts the web tier it was given.
        using var web = _app.CreateHttpClient("web");
        web.DefaultRequestHeaders.Add("Origin", web.BaseAddress!.GetLeftPart(UriPartial.Authority));
        var signUp = await web.PostAsJsonAsync("/api/auth/sign-up/email", new { email = $"aspire-{Guid.NewGuid():N}@example.test", password = "aspire-password", name = "Ada" }, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        var cookie = string.Join("; ", signUp.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, "/api/auth/token");
        tokenRequest.Headers.Add("Cookie", cookie);
        var token = (await (await web.SendAsync(tokenRequest, timeout.Token)).Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("token").GetString();

        using var api = _app.CreateHttpClient("api");
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/tasks", timeout.Token)).StatusCode);
        // The api reaches the MCP server it was given, with tokens the MCP server trusts.
        var tools = await api.GetFromJsonAsync<JsonElement>("/api/tools", timeout.Token);
        Assert.Contains(tools.EnumerateArray(), t => t.GetProperty("name").GetString() == "list_tasks");

        // The MCP server names the web tier as the authorization server for MCP clients.
        using var mcp = _app.CreateHttpClient("mcp");
        var metadata = await mcp.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource/mcp", timeout.Token);
        Assert.Equal([web.BaseAddress!.GetLeftPart(UriPartial.Authority)], metadata.GetProperty("authorization_servers").EnumerateArray().Select(s => s.GetString()));
    }
}
