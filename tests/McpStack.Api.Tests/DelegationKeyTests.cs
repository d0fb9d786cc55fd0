using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.AspNetCore.Mvc;

namespace McpStack.Api.Tests;

/// <summary>
/// A second api replica behind the same address but with another Delegation:SigningKeyPem: its readiness says so
/// (reported, not dropping it) and its tool calls get a problem that names a trust problem, not an outage.
/// </summary>
public sealed class DelegationKeyTests : IAsyncLifetime
{
    private readonly SqliteStack _stack = new();
    private ApiHost _stray = null!;

    public async Task InitializeAsync()
    {
        await _stack.InitializeAsync();
        // Same database, MCP server, user issuer and public address (the issuer of its tokens) as the first replica; its own key.
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        _stray = await ApiHost.StartAsync(_stack.Database, _stack.Issuer, url, _stack.Mcp.ResourceUrl,
            ["--environment=Production", $"--Delegation:Issuer={_stack.Api.BaseUrl}", $"--Auth:Audience={_stack.Api.Audience}"]);
    }

    public async Task DisposeAsync()
    {
        await _stray.DisposeAsync();
        await _stack.DisposeAsync();
    }

    private static async Task<string?> KeyCheckAsync(ApiHost api)
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // reported, never a reason to drop the replica
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain("BEGIN", report.GetRawText(), StringComparison.Ordinal);
        return report.GetProperty("checks").GetProperty("delegation-key").GetProperty("status").GetString();
    }

    [Fact]
    public async Task A_replica_whose_key_the_mcp_server_does_not_read_is_reported_and_says_so_at_its_first_tool_call()
    {
        Assert.Equal("Healthy", await KeyCheckAsync(_stack.Api));
        Assert.Equal("Degraded", await KeyCheckAsync(_stray));

        var token = _stack.TokenFor(Http.NewUser("replica"));
        using (var good = _stack.Api.CreateClient(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/tools")).StatusCode);
        }
        using var stray = _stray.CreateClient(token);
        using var refused = await stray.GetAsync("/api/tools");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal("The tool server refused this server's credentials.", problem.Title);
        Assert.DoesNotContain("PRIVATE KEY", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
