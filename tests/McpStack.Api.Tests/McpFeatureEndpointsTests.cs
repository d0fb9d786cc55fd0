using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpStack.Api.Tasks;
using McpStack.Api.Tools;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace McpStack.Api.Tests;

/// <summary>The scripted-model stack, with one more MCP tool that the server keeps for the model (MCP Apps visibility "model").</summary>
public sealed class McpFeaturesStack : ScriptedModelStack
{
    protected override void ConfigureMcp(IMcpServerBuilder mcp) => mcp.WithTools([McpServerTool.Create(
        () => "only the assistant may ask this",
        new McpServerToolCreateOptions
        {
            Name = "model_only",
            ReadOnly = true,
            Meta = new JsonObject { ["ui"] = new JsonObject { ["visibility"] = new JsonArray("model") } },
        })]);
}

/// <summary>
/// What a tool's view (MCP Apps) and the chat's slash menu reach through the api: the tools with their views and who may
/// call them, a destructive call only once confirmed, the server's resources and prompts, each as the signed-in user.
/// </summary>
public sealed class McpFeatureEndpointsTests(McpFeaturesStack stack) : IClassFixture<McpFeaturesStack>
{
    private static async Task<Guid> AddTaskAsync(HttpClient client, string title, DateTime? dueAt = null)
    {
        using var response = await client.PostAsJsonAsync("/api/tasks", new { title, dueAt, priority = "high" });
        return (await response.ReadAsync<Data.Tasks.TaskDto>()).Id;
    }

    [Fact]
    public async Task Tools_say_their_view_who_may_call_them_and_what_needs_a_yes()
    {
        using var client = stack.ClientFor(Http.NewUser("ada"));
        var tools = (await client.GetFromJsonAsync<List<ToolInfo>>("/api/tools"))!.ToDictionary(t => t.Name);
        Assert.Equal(("ui://tasks/list", true, false), (tools["list_tasks"].View, tools["list_tasks"].ReadOnly, tools["list_tasks"].Destructive));
        Assert.Equal(("ui://tasks/task", true), (tools["delete_task"].View, tools["delete_task"].Destructive));
        Assert.Equal(["model", "app"], tools["list_tasks"].Visibility);
        Assert.Equal(["app"], tools["get_task"].Visibility);
        Assert.Equal(["model"], tools["model_only"].Visibility);
        Assert.Null(tools["health"].View);
    }

    [Fact]
    public async Task A_tool_kept_for_the_model_is_refused_to_pages_and_a_view_only_tool_is_kept_from_the_model()
    {
        using var client = stack.ClientFor(Http.NewUser("ben"));
        using var refused = await client.PostAsJsonAsync("/api/tools/model_only", new { });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("for the assistant only", (await refused.ReadAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        stack.Script("Done.");
        await client.ChatAsync("hello");
        var offered = Assert.Single(stack.Model.OfferedTools);
        Assert.Contains("list_tasks", offered);
        Assert.Contains("model_only", offered);
        Assert.DoesNotContain("get_task", offered);
    }

    [Fact]
    public async Task A_destructive_call_runs_only_once_the_user_said_yes()
    {
        using var client = stack.ClientFor(Http.NewUser("cy"));
        var id = await AddTaskAsync(client, "Shred papers");
        using var unconfirmed = await client.PostAsJsonAsync("/api/tools/delete_task", new { id });
        Assert.Equal((HttpStatusCode)428, unconfirmed.StatusCode);
        Assert.Equal("application/problem+json", unconfirmed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/tasks/{id}")).StatusCode);

        using var confirmed = await client.PostAsJsonAsync("/api/tools/delete_task?confirmed=true", new { id });
        var result = await confirmed.ReadAsync<ToolCallResponse>();
        Assert.True(result.Result!.Value.GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/tasks/{id}")).StatusCode);

        // Another user's id, confirmed: an error result, and their task stays.
        using var owner = stack.ClientFor(Http.NewUser("dee"));
        var theirs = await AddTaskAsync(owner, "Not yours");
        var stranger = await (await client.PostAsJsonAsync("/api/tools/delete_task?confirmed=true", new { id = theirs })).ReadAsync<ToolCallResponse>();
        Assert.True(stranger.IsError);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/tasks/{theirs}")).StatusCode);
    }

    [Fact]
    public async Task Views_and_tasks_are_read_as_the_user()
    {
        using var client = stack.ClientFor(Http.NewUser("eve"));
        using var view = await client.PostAsJsonAsync("/api/resources/read", new { uri = "ui://tasks/list" });
        var content = Assert.Single((await view.ReadAsync<ResourceRead>()).Contents);
        Assert.Equal(("ui://tasks/list", "text/html;profile=mcp-app"), (content.Uri, content.MimeType));
        Assert.Contains("ui/initialize", content.Text, StringComparison.Ordinal);
        Assert.NotNull(content.Meta?["ui"]?["csp"]);

        var mine = await AddTaskAsync(client, "Read me");
        var task = Assert.Single((await (await client.PostAsJsonAsync("/api/resources/read", new { uri = $"task://{mine}" })).ReadAsync<ResourceRead>()).Contents);
        Assert.Contains("Read me", task.Text, StringComparison.Ordinal);

        using var owner = stack.ClientFor(Http.NewUser("fay"));
        var theirs = await AddTaskAsync(owner, "Private");
        using var refused = await client.PostAsJsonAsync("/api/resources/read", new { uri = $"task://{theirs}" });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("Private", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var bad in new[] { "", "not a uri", "ui://" + new string('x', 2001) })
        {
            using var response = await client.PostAsJsonAsync("/api/resources/read", new { uri = bad });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Prompts_are_listed_filled_in_for_the_user_and_completed()
    {
        using var client = stack.ClientFor(Http.NewUser("gus"));
        await AddTaskAsync(client, "Pay rent", DateTime.UtcNow.AddDays(-1));
        using var other = stack.ClientFor(Http.NewUser("hal"));
        await AddTaskAsync(other, "Hal's secret", DateTime.UtcNow.AddDays(-1));

        var prompts = (await client.GetFromJsonAsync<List<PromptInfo>>("/api/prompts"))!;
        Assert.Equal(["plan_my_day", "triage_overdue", "weekly_review"], prompts.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(prompts.Single(p => p.Name == "plan_my_day").Arguments.Single().Required);

        var plan = await (await client.PostAsJsonAsync("/api/prompts/plan_my_day", new { arguments = new { focus = "home" } })).ReadAsync<PromptText>();
        Assert.Contains("Pay rent", plan.Text, StringComparison.Ordinal);
        Assert.Contains("home", plan.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hal's secret", plan.Text, StringComparison.Ordinal);

        var values = await (await client.PostAsJsonAsync("/api/prompts/triage_overdue/complete", new { argument = "priority", value = "h" })).ReadAsync<CompletionValues>();
        Assert.Equal(["high"], values.Values);

        using var unknown = await client.PostAsJsonAsync("/api/prompts/drop_tables", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var wrongArgument = await client.PostAsJsonAsync("/api/prompts/plan_my_day", new { arguments = new { user_id = "hal" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrongArgument.StatusCode);
        using var wrongCompletion = await client.PostAsJsonAsync("/api/prompts/plan_my_day/complete", new { argument = "user_id", value = "" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongCompletion.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/prompts")]
    [InlineData("POST", "/api/prompts/weekly_review")]
    [InlineData("POST", "/api/resources/read")]
    public async Task Without_a_token_nothing_is_read(string method, string path)
    {
        using var anonymous = stack.Api.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { uri = "ui://tasks/list" }) : null };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(request)).StatusCode);
    }
}
