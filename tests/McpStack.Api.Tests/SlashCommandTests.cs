using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Chat;
using McpStack.Api.Conversations;
using McpStack.Api.Tasks;
using McpStack.Testing;

namespace McpStack.Api.Tests;

/// <summary>The chat with no model configured: slash commands through the real MCP server, streamed and stored.</summary>
public sealed class SlashCommandTests(SqliteStack stack) : IClassFixture<SqliteStack>
{
    [Fact]
    public async Task Add_then_list_streams_tool_events_and_persists_both_turns()
    {
        using var alice = stack.ClientFor(Http.NewUser("alice"));
        var add = await alice.ChatAsync("/add milk");
        Assert.True(add.Done);
        Assert.Equal(["start", "data-conversation", "tool-input-available", "tool-output-available", "text-start", "text-delta", "text-end", "finish"], add.Types);
        var input = add.OfType("tool-input-available").Single();
        Assert.Equal("add_task", input.GetProperty("toolName").GetString());
        Assert.Equal("milk", input.GetProperty("input").GetProperty("title").GetString());
        Assert.Equal("milk", add.OfType("tool-output-available").Single().GetProperty("output").GetProperty("title").GetString());
        Assert.Equal("Added “milk”.", add.Text);

        var list = await alice.ChatAsync("/list", add.ConversationId);
        Assert.Equal(add.ConversationId, list.ConversationId);
        Assert.Equal("1. [ ] milk", list.Text);

        var tasks = await alice.GetFromJsonAsync<TaskListResponse>("/api/tasks");
        Assert.Equal("milk", Assert.Single(tasks!.Items).Title);

        var conversation = await alice.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{add.ConversationId}");
        Assert.Equal(["user", "assistant", "user", "assistant"], conversation!.Messages.Select(m => m.Role));
        Assert.Equal("/add milk", conversation.Messages[0].Content);
        var call = Assert.Single(conversation.Messages[1].ToolCalls);
        Assert.Equal(("add_task", ToolCallState.OutputAvailable), (call.ToolName, call.State));
        Assert.Equal("/add milk", conversation.Title);
    }

    [Fact]
    public async Task Done_and_delete_take_the_number_list_shows()
    {
        using var carol = stack.ClientFor(Http.NewUser("carol"));
        var first = await carol.ChatAsync("/add one");
        await carol.ChatAsync("/add two", first.ConversationId);

        var done = await carol.ChatAsync("/done 2", first.ConversationId);
        Assert.Equal("Completed “two”.", done.Text);
        Assert.Equal(["list_tasks", "complete_task"], done.OfType("tool-input-available").Select(p => p.GetProperty("toolName").GetString()));
        Assert.Equal("1. [ ] one\n2. [x] two", (await carol.ChatAsync("/list", first.ConversationId)).Text);
        Assert.Equal("1. [x] two", (await carol.ChatAsync("/list completed", first.ConversationId)).Text);

        Assert.Equal("Deleted “one”.", (await carol.ChatAsync("/delete 1", first.ConversationId)).Text);
        Assert.Equal("There is no task 5: see /list.", (await carol.ChatAsync("/done 5", first.ConversationId)).Text);
        var bad = await carol.ChatAsync("/done nonsense", first.ConversationId);
        Assert.Single(bad.OfType("tool-output-error"));
        Assert.StartsWith("Could not do that: 'nonsense' is not a task id", bad.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("please add milk", SlashCommands.NeedsModel)]
    [InlineData("/add", "Usage: /add <title>, e.g. /add Buy milk")]
    [InlineData("/list someday", "Usage: /list, /list pending or /list completed")]
    public async Task Anything_but_a_command_gets_a_clear_answer_and_calls_no_tool(string message, string expected)
    {
        using var dave = stack.ClientFor(Http.NewUser("dave"));
        var answer = await dave.ChatAsync(message);
        Assert.Equal(expected, answer.Text.Trim());
        Assert.Empty(answer.OfType("tool-input-available"));
    }

    [Fact]
    public async Task Says_that_no_model_is_configured()
    {
        using var client = stack.ClientFor(Http.NewUser("ned"));
        Assert.Equal(new ChatModelInfo(false, "none"), await client.GetFromJsonAsync<ChatModelInfo>("/api/chat/model"));
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        using var erin = stack.ClientFor(Http.NewUser("erin"));
        var help = await erin.ChatAsync("/help");
        foreach (var command in new[] { "/add", "/list", "/done", "/delete", "/help" })
        {
            Assert.Contains(command, help.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_user_can_neither_read_nor_continue_nor_delete_a_conversation()
    {
        using var alice = stack.ClientFor(Http.NewUser("alice"));
        using var bob = stack.ClientFor(Http.NewUser("bob"));
        var turn = await alice.ChatAsync("/add secret plan");

        Assert.Empty((await bob.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/conversations/{turn.ConversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/conversations/{turn.ConversationId}")).StatusCode);
        using var hijack = await bob.PostAsJsonAsync("/api/chat", new { conversationId = turn.ConversationId, message = "/list" });
        Assert.Equal(HttpStatusCode.NotFound, hijack.StatusCode);

        var conversation = await alice.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{turn.ConversationId}");
        Assert.Equal(2, conversation!.Messages.Count);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/conversations/{turn.ConversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/conversations/{turn.ConversationId}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"message":""}""")]
    [InlineData("""{"message":"   "}""")]
    [InlineData("""{"conversationId":"not-a-guid","message":"/help"}""")]
    public async Task Bad_chat_requests_are_400_problem_details(string body)
    {
        using var fred = stack.ClientFor(Http.NewUser("fred"));
        using var response = await fred.PostAsync("/api/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_overlong_message_is_refused_and_nothing_is_stored()
    {
        using var gail = stack.ClientFor(Http.NewUser("gail"));
        using var response = await gail.PostAsJsonAsync("/api/chat", new { message = new string('x', 4001) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await gail.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations"))!);
    }
}
