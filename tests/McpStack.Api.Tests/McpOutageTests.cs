using System.Net.Http.Json;
using System.Text.Json;
using McpStack.Api.Chat;
using McpStack.Api.Conversations;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

public sealed class McpOutageStack() : StackFixture(DatabaseProvider.Sqlite)
{
    public ScriptedChatClient Model { get; } = new();

    protected override void OverrideServices(IServiceCollection services) => services.AddSingleton(new ChatModel(Model, "scripted"));
}

/// <summary>The MCP server goes away mid-conversation: the api stays up, says so, and stores a consistent turn.</summary>
public sealed class McpOutageTests(McpOutageStack stack) : IClassFixture<McpOutageStack>
{
    [Fact]
    public async Task A_tool_call_to_a_stopped_mcp_server_is_a_tool_error_and_the_turn_is_stored()
    {
        stack.Model.Reset(messages => messages[^1].Role == ChatRole.Tool
            ? [new TextContent("The task service is not answering.")]
            : [new FunctionCallContent("call-1", "add_task", new Dictionary<string, object?> { ["title"] = "lost?" })]);
        using var client = stack.ClientFor(Http.NewUser("olga"));
        var healthy = await client.ChatAsync("add something"); // lists (and caches) the tools while the server is up
        Assert.Single(healthy.OfType("tool-output-available"));

        await stack.Mcp.DisposeAsync();

        var turn = await client.ChatAsync("add another", healthy.ConversationId);
        Assert.True(turn.Done);
        Assert.Single(turn.OfType("tool-output-error"));
        Assert.Equal("The task service is not answering.", turn.Text.Trim());

        var stored = await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{turn.ConversationId}");
        Assert.Equal(["user", "assistant", "user", "assistant"], stored!.Messages.Select(m => m.Role));
        Assert.Equal(ToolCallState.OutputError, stored.Messages[3].ToolCalls.Single().State);

        // Calling a tool directly: 503 with Retry-After and a problem saying so (the list stays served from memory).
        using (var direct = await client.PostAsJsonAsync("/api/tools/add_task", new { title = "lost?" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, direct.StatusCode);
            Assert.NotNull(direct.Headers.RetryAfter);
            Assert.Contains("tool server is not reachable", await direct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The api stays in service (REST needs no MCP server): readiness reports the outage as Degraded, still 200,
        // and tells the public which check, not the internal URL or the exception.
        using var anonymous = stack.Api.CreateClient();
        using var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        var report = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        Assert.Equal("Degraded", report.GetProperty("checks").GetProperty("mcp").GetProperty("status").GetString());
        Assert.DoesNotContain(stack.Mcp.BaseUrl, body, StringComparison.Ordinal);
        Assert.DoesNotContain("description", body, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/tasks")).StatusCode);
    }
}
