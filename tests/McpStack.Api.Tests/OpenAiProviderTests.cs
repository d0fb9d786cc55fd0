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
        return ["--Chat:Provider=OpenAICompatible", $"--Chat:Endpoint={OpenAi.BaseUrl}", "--Chat:Model=fake-model", "--Chat:ApiKey=sk-test"];
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
