using System.Net.Http.Json;
using McpStack.Api.Conversations;
using McpStack.Api.Tasks;
using McpStack.Data;
using McpStack.Testing;

namespace McpStack.Api.Tests;

/// <summary>A stack configured for an OpenAI-compatible endpoint, which is a local fake with scripted answers.</summary>
public sealed class FakeOpenAiStack() : StackFixture(DatabaseProvider.Sqlite)
{
    public FakeOpenAiServer OpenAi { get; private set; } = null!;

    protected override async Task<string[]> ApiArgsAsync()
    {
        OpenAi = await FakeOpenAiServer.StartAsync();
        // Caps high enough that every call of the hostile model reaches the MCP server (LimitsTests checks the caps).
        return ["--Chat:Provider=OpenAICompatible", $"--Chat:Endpoint={OpenAi.BaseUrl}", "--Chat:Model=fake-model", "--Chat:ApiKey=sk-test",
                "--Chat:MaxToolCallsPerMessage=50", "--Chat:MaxToolCallsPerTurn=100"];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}

public sealed class OpenAiProviderTests(FakeOpenAiStack stack) : IClassFixture<FakeOpenAiStack>
{
    [Fact]
    public async Task A_natural_language_request_adds_a_task_through_the_OpenAI_client()
    {
        using var client = stack.ClientFor(Http.NewUser("nora"));
        var turn = await client.ChatAsync("Please remember to buy milk");

        Assert.Equal("Added milk to your list.", turn.Text);
        var call = turn.OfType("tool-input-available").Single();
        Assert.Equal(("call_fake_1", "add_task"), (call.GetProperty("toolCallId").GetString(), call.GetProperty("toolName").GetString()));
        Assert.Equal("milk", Assert.Single((await client.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Items).Title);

        // What went over the wire: the model name, the key, the MCP tools as functions, then the tool's result.
        var first = stack.OpenAi.Requests[0];
        Assert.Equal("fake-model", (string?)first["model"]);
        Assert.Contains(first["tools"]!.AsArray(), t => (string?)t!["function"]!["name"] == "add_task");
        Assert.Contains(stack.OpenAi.Requests[1]["messages"]!.AsArray(), m => (string?)m!["role"] == "tool");

        var stored = await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{turn.ConversationId}");
        Assert.Equal((84, 14), (stored!.Messages[1].InputTokens, stored.Messages[1].OutputTokens));
    }
}

/// <summary>A model endpoint that answers with garbage: the turn ends with an error, stored, and the api carries on.</summary>
public sealed class BrokenModelTests(FakeOpenAiStack stack) : IClassFixture<FakeOpenAiStack>
{
    public static TheoryData<int, string, string> Garbage => new()
    {
        { 200, "text/event-stream", "data: {\"choices\": [ not json\n\n" },
        { 200, "text/event-stream", "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"no_such_tool\",\"arguments\":\"{{{\"}}]}}]}\n\ndata: [DONE]\n\n" },
        { 200, "application/json", "<html>Welcome to the captive portal</html>" },
        { 500, "text/html", "<html>Internal Server Error</html>" },
        { 429, "application/json", "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit\"}}" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task The_turn_ends_with_an_error_and_nothing_half_written(int status, string contentType, string body)
    {
        using var client = stack.ClientFor(Http.NewUser("gus"));
        stack.OpenAi.Garbage = (status, contentType, body);
        ChatStream turn;
        try
        {
            turn = await client.ChatAsync("hello?");
        }
        finally
        {
            stack.OpenAi.Garbage = null;
        }

        Assert.True(turn.Done);
        Assert.Equal("finish", turn.Types.Last());
        var stored = await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{turn.ConversationId}");
        var roles = stored!.Messages.Select(m => m.Role).ToList();
        // Either the failure is explicit (an error event and message), or a model that named an unknown tool got
        // that tool's error back and answered after all: never a user message left alone.
        if (turn.OfType("error").Any())
        {
            Assert.Equal(["user", "error"], roles);
        }
        else
        {
            Assert.Equal(["user", "assistant"], roles);
        }

        // The api is still up and the next turn works.
        Assert.Equal("Added milk to your list.", (await client.ChatAsync("Please remember to buy milk", turn.ConversationId)).Text);
    }
}
