using System.Net;
using System.Net.Http.Json;
using McpStack.Api.Chat;
using McpStack.Api.Conversations;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Api.Tests;

/// <summary>
/// The answer being written, shared through the database (TurnProgressStore) on both databases: a page that opens the
/// conversation meanwhile follows it, a stop asked anywhere ends it, and a turn whose replica went silent is said to be
/// interrupted and taken over. The stack writes progress every 200 ms and takes 5 s of silence for death.
/// </summary>
public abstract class TurnProgressTests<TStack>(TStack stack) where TStack : ScriptedModelStack
{
    private static readonly string Answer = string.Join(" ", Enumerable.Range(0, 60).Select(i => $"word{i}"));

    private async Task<(HttpClient Client, HttpResponseMessage Turn, Guid ConversationId)> StartSlowTurnAsync(string user)
    {
        ScriptSlowAnswer();
        return await StartTurnAsync(user);
    }

    private void ScriptSlowAnswer()
    {
        stack.Model.Reset(_ => [new TextContent(Answer)]);
        stack.Model.WordDelay = TimeSpan.FromMilliseconds(40);
    }

    private async Task<(HttpClient Client, HttpResponseMessage Turn, Guid ConversationId)> StartTurnAsync(string user, Guid? conversationId = null)
    {
        var client = stack.ClientFor(user);
        var turn = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { conversationId, message = "write slowly" }) },
            HttpCompletionOption.ResponseHeadersRead);
        var id = conversationId ?? (await client.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations"))!.Single().Id;
        return (client, turn, id);
    }

    /// <summary>Follows a running turn as a page opened meanwhile would, to its end.</summary>
    private static async Task<ChatStream> FollowAsync(HttpClient client, Guid conversationId)
    {
        using var followed = await client.GetAsync($"/api/conversations/{conversationId}/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        return await UiMessageStreamReader.ReadAsync(followed);
    }

    [Fact]
    public async Task A_page_that_opens_the_conversation_while_the_answer_is_written_gets_it_so_far_then_the_rest()
    {
        var user = Http.NewUser("nell");
        var (client, turn, id) = await StartSlowTurnAsync(user);
        using var _ = client;
        using var __ = turn;
        await stack.Model.WaitForWordsAsync(3);
        var opened = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{id}"))!;
        Assert.True(opened.TurnRunning);
        Assert.Equal(["user"], opened.Messages.Select(m => m.Role));

        using var followed = await client.GetAsync($"/api/conversations/{id}/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("text/event-stream", followed.Content.Headers.ContentType?.MediaType);
        var stream = await UiMessageStreamReader.ReadAsync(followed);
        var original = await UiMessageStreamReader.ReadAsync(turn);

        // The same message as the page that asked saw, from its first word on, ending as the turn ended.
        Assert.True(stream.Done);
        Assert.Equal(["start", "data-conversation", "text-start"], stream.Types.Take(3));
        Assert.Equal("finish", stream.Types.Last());
        var messageId = original.OfType("start").Single().GetProperty("messageId").GetGuid();
        Assert.Equal(messageId, stream.OfType("start").Single().GetProperty("messageId").GetGuid());
        Assert.StartsWith("word0 word1 word2", stream.Text, StringComparison.Ordinal);
        Assert.StartsWith(stream.Text.Trim(), Answer, StringComparison.Ordinal);
        Assert.True(stream.OfType("text-delta").Count() > 1, "the rest arrived as it was written, not at once");

        // Stored under the id it streamed with; nothing left running, nothing left to follow.
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{id}"))!;
        Assert.False(stored.TurnRunning);
        Assert.Equal((messageId, Answer), (stored.Messages[1].Id, stored.Messages[1].Content.Trim()));
        using var idle = await client.GetAsync($"/api/conversations/{id}/stream");
        Assert.Equal(HttpStatusCode.NoContent, idle.StatusCode);
        using var other = stack.ClientFor(Http.NewUser("nosy"));
        using var foreign = await other.GetAsync($"/api/conversations/{id}/stream");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task A_stop_asked_on_another_replica_reaches_the_turn_through_the_database()
    {
        var user = Http.NewUser("otto");
        var (client, turn, id) = await StartSlowTurnAsync(user);
        using var _ = client;
        using var __ = turn;
        await stack.Model.WaitForWordsAsync(3);
        // What POST /stop on another replica writes; this replica's own registry is not told.
        await UpdateAsync(user, id, set => set.SetProperty(c => c.TurnStopRequestedAt, DateTime.UtcNow));

        var stream = await UiMessageStreamReader.ReadAsync(turn);
        Assert.True(stream.Done);
        Assert.DoesNotContain("word59", stream.Text, StringComparison.Ordinal);
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{id}"))!;
        Assert.EndsWith(ChatTurn.StoppedNote, stored.Messages[1].Content, StringComparison.Ordinal);
        stack.Model.Reset(_ => [new TextContent("Next.")]);
        Assert.Equal("Next.", (await client.ChatAsync("and now", id)).Text.Trim());
    }

    [Fact]
    public async Task Another_user_can_neither_follow_nor_stop_a_turn()
    {
        var user = Http.NewUser("rose");
        var (client, turn, id) = await StartSlowTurnAsync(user);
        using var _ = client;
        using var __ = turn;
        await stack.Model.WaitForWordsAsync(3);
        using var mallory = stack.ClientFor(Http.NewUser("mallory"));
        using (var stop = await mallory.PostAsync($"/api/conversations/{id}/stop", null)) Assert.Equal(HttpStatusCode.NotFound, stop.StatusCode);
        using (var follow = await mallory.GetAsync($"/api/conversations/{id}/stream")) Assert.Equal(HttpStatusCode.NotFound, follow.StatusCode);

        var stream = await UiMessageStreamReader.ReadAsync(turn);
        Assert.Equal(Answer, stream.Text.Trim());
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{id}"))!;
        Assert.Equal(Answer, stored.Messages[1].Content.Trim());
    }

    [Fact]
    public async Task A_turn_gone_silent_is_said_to_be_interrupted_and_the_next_message_takes_the_conversation_over()
    {
        stack.Script("First.");
        var user = Http.NewUser("pia");
        using var client = stack.ClientFor(user);
        var first = await client.ChatAsync("one");
        // A turn held on a replica that died a minute ago: its lease runs for minutes yet, its heartbeat stopped.
        await UpdateAsync(user, first.ConversationId, set => set.SetProperty(c => c.TurnLeaseUntil, DateTime.UtcNow.AddMinutes(5))
            .SetProperty(c => c.TurnProgressAt, DateTime.UtcNow.AddMinutes(-1)));

        var seen = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{first.ConversationId}"))!;
        Assert.False(seen.TurnRunning);
        Assert.Equal(["user", "assistant", "error"], seen.Messages.Select(m => m.Role));
        Assert.Equal(ConversationStore.InterruptedTurn, seen.Messages[2].Content);
        using (var follow = await client.GetAsync($"/api/conversations/{first.ConversationId}/stream")) Assert.Equal(HttpStatusCode.NoContent, follow.StatusCode);

        stack.Script("Second.");
        Assert.Equal("Second.", (await client.ChatAsync("two", first.ConversationId)).Text.Trim());
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{first.ConversationId}"))!;
        Assert.Equal(["user", "assistant", "error", "user", "assistant"], stored.Messages.Select(m => m.Role));
        Assert.Equal(ConversationStore.InterruptedTurn, stored.Messages[2].Content);
    }

    [Fact]
    public async Task A_turn_taken_for_dead_that_was_alive_stores_nothing_once_it_finds_its_lease_gone()
    {
        var user = Http.NewUser("quin");
        var (client, turn, id) = await StartSlowTurnAsync(user);
        using var _ = client;
        using var __ = turn;
        await stack.Model.WaitForWordsAsync(3);
        // Another replica's turn took the conversation over (as after 5 s of silence).
        await UpdateAsync(user, id, set => set.SetProperty(c => c.TurnLeaseUntil, DateTime.UtcNow.AddMinutes(1)));
        // The page that asked hears it was interrupted, as the conversation now says, and the end of its stream.
        var ended = await UiMessageStreamReader.ReadAsync(turn);
        Assert.True(ended.Done);
        Assert.Equal(ConversationStore.InterruptedTurn, ended.OfType("error").Single().GetProperty("errorText").GetString());
        Assert.Equal("finish", ended.Types.Last());
        await Task.Delay(300);
        var stored = (await client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{id}"))!;
        Assert.Equal(["user"], stored.Messages.Select(m => m.Role));
        // And it leaves the other turn's lease alone: the conversation is still held by that turn.
        Assert.True(stored.TurnRunning);
        using var busy = await client.PostAsJsonAsync("/api/chat", new { conversationId = id, message = "in between" });
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
    }

    [Fact]
    public async Task Turns_running_at_once_are_each_written_and_a_stop_asked_for_one_stops_it_alone()
    {
        // One writer writes every turn running on the replica, in one transaction: each must still be its own.
        ScriptSlowAnswer();
        var users = new[] { "ann", "ben", "cyd" }.Select(Http.NewUser).ToList();
        var turns = await Task.WhenAll(users.Select(user => StartTurnAsync(user)));
        try
        {
            await stack.Model.WaitForWordsAsync(9);
            await UpdateAsync(users[1], turns[1].ConversationId, set => set.SetProperty(c => c.TurnStopRequestedAt, DateTime.UtcNow));
            var followed = await Task.WhenAll(turns.Where((_, i) => i != 1).Select(t => FollowAsync(t.Client, t.ConversationId)));
            var answered = await Task.WhenAll(turns.Select(t => UiMessageStreamReader.ReadAsync(t.Turn)));

            Assert.All(followed, f => Assert.True(f.Done && f.OfType("text-delta").Count() > 1, "followed as it was written"));
            Assert.All(followed, f => Assert.StartsWith(f.Text.Trim(), Answer, StringComparison.Ordinal));
            Assert.DoesNotContain("word59", answered[1].Text, StringComparison.Ordinal);
            Assert.Equal([Answer, Answer], answered.Where((_, i) => i != 1).Select(a => a.Text.Trim()));
            var stopped = (await turns[1].Client.GetFromJsonAsync<ConversationDetail>($"/api/conversations/{turns[1].ConversationId}"))!;
            Assert.EndsWith(ChatTurn.StoppedNote, stopped.Messages[1].Content, StringComparison.Ordinal);

            // A turn begun as the last one here ends is written as soon as the others were.
            var before = stack.Model.WordsWritten;
            var (client, next, id) = await StartTurnAsync(users[0], turns[0].ConversationId);
            using var _ = client;
            using var __ = next;
            await stack.Model.WaitForWordsAsync(before + 3);
            var rest = await FollowAsync(client, id);
            Assert.True(rest.OfType("text-delta").Count() > 1, "followed as it was written");
            Assert.Equal(Answer, (await UiMessageStreamReader.ReadAsync(next)).Text.Trim());
        }
        finally
        {
            foreach (var (client, turn, _) in turns)
            {
                turn.Dispose();
                client.Dispose();
            }
        }
    }

    /// <summary>Writes the conversation's row as another replica would.</summary>
    private async Task UpdateAsync(string user, Guid conversationId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Conversation>> set)
    {
        await using var services = stack.Database.CreateServices(new FixedUser(user));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(1, await db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(set));
    }
}

public sealed class SqliteTurnProgressTests(ScriptedModelStack stack) : TurnProgressTests<ScriptedModelStack>(stack), IClassFixture<ScriptedModelStack>;

public sealed class PostgresTurnProgressTests(PostgresScriptedModelStack stack) : TurnProgressTests<PostgresScriptedModelStack>(stack), IClassFixture<PostgresScriptedModelStack>;
