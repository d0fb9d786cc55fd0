using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Chat;
using McpStack.Api.Conversations;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

/// <summary>
/// A conversation's turn lease, which keeps two turns (on any api instances) from answering in one conversation at
/// once, on both databases: its conditional UPDATE is a row lock on PostgreSQL and the write lock on SQLite, and it is
/// committed with the turn's user message.
/// </summary>
public abstract class TurnLeaseTests<TStack>(TStack stack) where TStack : ScriptedModelStack
{
    [Fact]
    public async Task Parallel_turns_in_one_conversation_are_refused_not_interleaved()
    {
        stack.Script("First answer.");
        using var client = stack.ClientFor(Http.NewUser("pat"));
        var first = await client.ChatAsync("one");

        stack.Script("Second answer.");
        stack.Model.Delay = TimeSpan.FromMilliseconds(800);
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            client.PostAsJsonAsync("/api/chat", new { conversationId = first.ConversationId, message = $"parallel {i}" })));
        stack.Model.Delay = TimeSpan.Zero;

        // One turn runs; the others get a 409 problem at once, before anything is stored or streamed.
        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r != winner).ToList();
        Assert.Equal(3, refused.Count);
        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("still being written", (await response.ReadAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>()).Detail, StringComparison.Ordinal);
        }
        Assert.Equal("Second answer.", (await UiMessageStreamReader.ReadAsync(winner)).Text.Trim());

        // The conversation reads user, assistant, user, assistant, and the model saw the first answer.
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{first.ConversationId}"))!;
        Assert.Equal(["user", "assistant", "user", "assistant"], stored.Messages.Select(m => m.Role));
        Assert.Equal(("one", "First answer.", "Second answer."), (stored.Messages[0].Content, stored.Messages[1].Content.Trim(), stored.Messages[3].Content.Trim()));
        Assert.StartsWith("parallel ", stored.Messages[2].Content, StringComparison.Ordinal);
        Assert.Equal(["system", "user", "assistant", "user"], stack.Model.Requests.Single().Select(m => m.Role.Value));

        // Once the turn is over, the conversation takes the next one.
        Assert.True((await client.ChatAsync("after", first.ConversationId)).Done);
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task A_turn_lease_left_by_a_dead_process_expires()
    {
        stack.Script("Answer.");
        var user = Http.NewUser("quinn");
        using var client = stack.ClientFor(user);
        var first = await client.ChatAsync("one");

        await SetLeaseAsync(user, first.ConversationId, DateTime.UtcNow.AddMinutes(5)); // a turn another process is answering
        using var busy = await client.PostAsJsonAsync("/api/chat", new { conversationId = first.ConversationId, message = "two" });
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        // A client that accepts only the stream is told why too.
        using var streamOnly = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { conversationId = first.ConversationId, message = "two" }) };
        streamOnly.Headers.Accept.ParseAdd("text/event-stream");
        using var refused = await client.SendAsync(streamOnly);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("still being written", (await refused.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!.Detail, StringComparison.Ordinal);

        await SetLeaseAsync(user, first.ConversationId, DateTime.UtcNow.AddSeconds(-1)); // that process died; its lease ran out
        Assert.True((await client.ChatAsync("two", first.ConversationId)).Done);
        // The conversation says its turn was cut; the model is not shown that (errors are not history).
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{first.ConversationId}"))!;
        Assert.Equal(["user", "assistant", "error", "user", "assistant"], stored.Messages.Select(m => m.Role));
        Assert.Equal(ConversationStore.InterruptedTurn, stored.Messages[2].Content);
        Assert.DoesNotContain(stack.Model.Requests[^1], m => m.Text.Contains("interrupted", StringComparison.Ordinal));

        // Freed by the turn as usual: the next one is no takeover.
        Assert.True((await client.ChatAsync("three", first.ConversationId)).Done);
        stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{first.ConversationId}"))!;
        Assert.Single(stored.Messages, m => m.Role == "error");
    }

    [Fact]
    public async Task A_turn_refused_after_its_lease_was_taken_frees_the_conversation_and_stores_nothing()
    {
        stack.Script("First answer.");
        using var client = stack.ClientFor(Http.NewUser("rita"));
        var first = await client.ChatAsync("one");

        // Refused once the lease is taken (the approval is checked against the conversation's history).
        using var refused = await client.PostAsJsonAsync("/api/chat", new { conversationId = first.ConversationId, message = "two", approvals = new[] { new { approvalId = "nope", approved = true } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        stack.Script("Second answer.");
        Assert.Equal("Second answer.", (await client.ChatAsync("three", first.ConversationId)).Text.Trim());
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{first.ConversationId}"))!;
        Assert.Equal(["one", "three"], stored.Messages.Where(m => m.Role == "user").Select(m => m.Content));
    }

    private async Task SetLeaseAsync(string user, Guid conversationId, DateTime until)
    {
        await using var services = stack.Database.CreateServices(new FixedUser(user));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Conversations.Where(c => c.Id == conversationId)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.TurnLeaseUntil, until));
    }
}

public sealed class SqliteTurnLeaseTests(ScriptedModelStack stack) : TurnLeaseTests<ScriptedModelStack>(stack), IClassFixture<ScriptedModelStack>;

public sealed class PostgresScriptedModelStack() : ScriptedModelStack(DatabaseProvider.Postgres);

public sealed class PostgresTurnLeaseTests(PostgresScriptedModelStack stack) : TurnLeaseTests<PostgresScriptedModelStack>(stack), IClassFixture<PostgresScriptedModelStack>;
