using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Chat;
using McpStack.Api.Conversations;
using McpStack.Api.Tasks;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

/// <summary>Small limits, so each can be reached in a test: writes, tool calls per message and turn, sizes, quotas.</summary>
public class LimitedStack() : StackFixture(DatabaseProvider.Sqlite,
    "--RateLimits:WritesPerMinute=5", "--Chat:MaxToolCallsPerMessage=4", "--Chat:MaxToolCallsPerTurn=6", "--Chat:MaxToolRounds=5",
    "--Chat:MaxAnswerLength=500", "--Chat:MaxToolArgumentsLength=300", "--Quotas:MaxTasksPerUser=3", "--Quotas:MaxConversationsPerUser=3")
{
    public ScriptedChatClient Model { get; } = new();

    protected override string[] McpArgs => ["--Mcp:WritesPerMinute=5", "--Quotas:MaxTasksPerUser=3"];

    protected override void OverrideServices(IServiceCollection services) => services.AddSingleton(new ChatModel(Model, "scripted"));
}

/// <summary>The same limits as ./run.sh runs the tiers (Development).</summary>
public sealed class DevelopmentLimitedStack : LimitedStack
{
    protected override string EnvironmentName => "Development";
}

/// <summary>
/// Limits a model (or a client) cannot get around: tool writes spend the same per-user budget as REST writes, tool
/// calls are capped per model message and per turn, the MCP server limits writes itself, answers and tool arguments
/// have a size limit, and what a user may store has a quota.
/// </summary>
public abstract class LimitsTests<TStack>(TStack stack) where TStack : LimitedStack
{
    private static FunctionCallContent Add(string title) => new("call-" + Guid.NewGuid().ToString("N")[..8], "add_task", new Dictionary<string, object?> { ["title"] = title });

    private static async Task<int> TaskCountAsync(HttpClient client) => (await client.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Total;

    [Fact]
    public async Task One_model_message_runs_at_most_its_cap_of_tool_calls()
    {
        stack.Model.Reset(messages => messages[^1].Role == ChatRole.Tool
            ? [new TextContent("Done.")]
            : [.. Enumerable.Range(0, 12).Select(i => (AIContent)new FunctionCallContent($"c{i}", "list_tasks", new Dictionary<string, object?>()))]);
        using var client = stack.ClientFor(Http.NewUser("flood"));
        var turn = await client.ChatAsync("list a lot");
        Assert.Equal(4, turn.OfType("tool-output-available").Count());
        var refused = turn.OfType("tool-output-error").ToList();
        Assert.Equal(8, refused.Count);
        Assert.All(refused, r => Assert.Contains("at most 4 tool calls", r.GetProperty("errorText").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_turn_runs_at_most_its_cap_of_tool_calls_over_all_its_rounds()
    {
        // Every round asks for 3 more calls; 5 rounds would make 15.
        stack.Model.Reset(_ => [.. Enumerable.Range(0, 3).Select(i => (AIContent)new FunctionCallContent($"r{Guid.NewGuid():N}", "list_tasks", new Dictionary<string, object?>()))]);
        using var client = stack.ClientFor(Http.NewUser("rounds"));
        var turn = await client.ChatAsync("keep listing");
        Assert.Equal(6, turn.OfType("tool-output-available").Count());
        Assert.Contains(turn.OfType("tool-output-error"), r => r.GetProperty("errorText").GetString()!.Contains("the most one turn may make", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_tool_writes_spend_the_same_budget_as_REST_writes()
    {
        var user = Http.NewUser("budget");
        using var client = stack.ClientFor(user);
        // 2 REST writes, then a model that tries 4 adds in one message: only 3 fit in the budget of 5.
        for (var i = 0; i < 2; i++) (await client.PostAsJsonAsync("/api/tasks", new { title = $"rest {i}" })).EnsureSuccessStatusCode();
        stack.Model.Reset(messages => messages[^1].Role == ChatRole.Tool ? [new TextContent("Tried.")] : [Add("a"), Add("b"), Add("c"), Add("d")]);
        var turn = await client.ChatAsync("add four");

        // The quota (3 tasks) refuses the third chat add; the write budget the fourth call.
        Assert.Single(turn.OfType("tool-output-available"));
        var errors = turn.OfType("tool-output-error").Select(e => e.GetProperty("errorText").GetString()!).ToList();
        Assert.Contains(errors, e => e.Contains("the most you may keep", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("write limit (5 a minute)", StringComparison.Ordinal));
        Assert.Equal(3, await TaskCountAsync(client));

        using var rest = await client.PostAsJsonAsync("/api/tasks", new { title = "one more" });
        Assert.Equal(HttpStatusCode.TooManyRequests, rest.StatusCode);
        Assert.NotNull(rest.Headers.RetryAfter);
        using var tool = await client.PostAsJsonAsync("/api/tools/add_task", new { title = "and via the tools endpoint" });
        Assert.Equal(HttpStatusCode.TooManyRequests, tool.StatusCode);
        using var read = await client.PostAsJsonAsync("/api/tools/list_tasks", new { });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode); // reads spend nothing
    }

    [Fact]
    public async Task The_MCP_server_limits_direct_writes_and_keeps_the_task_quota()
    {
        await using var client = await stack.Mcp.ConnectAsync(stack.Issuer.CreateToken(Http.NewUser("direct"), stack.Mcp.ResourceUrl));
        var texts = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var result = await client.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = $"direct {i}" });
            texts.Add(result.IsError == true ? string.Join(" ", result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)) : "ok");
        }
        Assert.Equal(["ok", "ok", "ok"], texts[..3]);
        Assert.All(texts[3..5], t => Assert.Contains("You have 3 tasks", t, StringComparison.Ordinal));
        Assert.All(texts[5..], t => Assert.Contains("write limit (5 a minute)", t, StringComparison.Ordinal));
        // Reads are not limited.
        for (var i = 0; i < 10; i++) Assert.NotEqual(true, (await client.CallToolAsync("list_tasks", new Dictionary<string, object?>())).IsError);
    }

    [Fact]
    public async Task The_task_quota_is_a_409_problem_on_REST()
    {
        using var client = stack.ClientFor(Http.NewUser("quota"));
        for (var i = 0; i < 3; i++) (await client.PostAsJsonAsync("/api/tasks", new { title = $"q{i}" })).EnsureSuccessStatusCode();
        using var over = await client.PostAsJsonAsync("/api/tasks", new { title = "one too many" });
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("the most you may keep", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await TaskCountAsync(client));
    }

    [Fact]
    public async Task The_conversation_quota_refuses_a_new_conversation_and_keeps_existing_ones_usable()
    {
        stack.Model.Reset(_ => [new TextContent("Hello.")]);
        using var client = stack.ClientFor(Http.NewUser("chatty"));
        var first = await client.ChatAsync("one");
        for (var i = 0; i < 2; i++) await client.ChatAsync($"more {i}");
        using var over = await client.PostAsJsonAsync("/api/chat", new { message = "a fourth conversation" });
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("conversations", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Hello.", (await client.ChatAsync("still here?", first.ConversationId)).Text.Trim());
    }

    [Fact]
    public async Task A_runaway_answer_is_cut_at_the_limit_and_stored_with_the_cut_said()
    {
        stack.Model.Reset(_ => [new TextContent(string.Join(' ', Enumerable.Repeat("blah", 5000)))]);
        using var client = stack.ClientFor(Http.NewUser("verbose"));
        var turn = await client.ChatAsync("talk");
        Assert.Contains("[The answer was cut off here", turn.Text, StringComparison.Ordinal);
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{turn.ConversationId}"))!.Messages[1];
        Assert.InRange(stored.Content.Length, 500, 650);
        Assert.EndsWith("characters.]", stored.Content.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_arguments_over_the_limit_are_neither_run_nor_stored()
    {
        var huge = new string('x', 5000);
        stack.Model.Reset(messages => messages[^1].Role == ChatRole.Tool ? [new TextContent("Tried.")] : [Add(huge)]);
        using var client = stack.ClientFor(Http.NewUser("huge"));
        var turn = await client.ChatAsync("add this");
        Assert.Contains("over the limit of 300", turn.OfType("tool-output-error").Single().GetProperty("errorText").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await TaskCountAsync(client));
        using var detail = await client.GetAsync($"/api/conversations/{turn.ConversationId}");
        Assert.DoesNotContain(huge, await detail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class ProductionLimitsTests(LimitedStack stack) : LimitsTests<LimitedStack>(stack), IClassFixture<LimitedStack>;

public sealed class DevelopmentLimitsTests(DevelopmentLimitedStack stack) : LimitsTests<DevelopmentLimitedStack>(stack), IClassFixture<DevelopmentLimitedStack>;
