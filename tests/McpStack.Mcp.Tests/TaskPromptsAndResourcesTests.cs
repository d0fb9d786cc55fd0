using System.Net;
using System.Text;
using System.Text.Json;
using McpStack.Data.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpStack.Mcp.Tests;

/// <summary>
/// The tasks as prompts a person picks from a slash menu and as resources a client attaches as context, through the
/// real protocol with the official SDK's client, on both revisions: every read acts for the token's user only.
/// </summary>
public abstract class TaskPromptsAndResourcesTests<TServer>(TServer fixture) where TServer : McpServerFixture
{
    private static string NewUser(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<McpClient> ConnectAsync(string user, string revision) =>
        await fixture.Server.ConnectAsync(fixture.TokenFor(user), new McpClientOptions { ProtocolVersion = revision });

    private static async Task<TaskDto> AddAsync(McpClient client, string title, DateTime? dueAt = null, string priority = "normal") =>
        (await client.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = title, ["dueAt"] = dueAt, ["priority"] = priority })).Structured<TaskDto>();

    private static string TextOf(GetPromptResult prompt) => string.Concat(prompt.Messages.Select(m => (m.Content as TextContentBlock)?.Text));

    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-11-25")]
    public async Task Tasks_are_listed_read_and_completed_as_resources_of_their_user_only(string revision)
    {
        await using var alice = await ConnectAsync(NewUser("alice"), revision);
        await using var bob = await ConnectAsync(NewUser("bob"), revision);
        var milk = await AddAsync(alice, "Buy milk", DateTime.UtcNow.AddDays(1), "high");
        var report = await AddAsync(alice, "Write report");
        await alice.CallToolAsync("complete_task", new Dictionary<string, object?> { ["id"] = report.Id.ToString() });
        var bobs = await AddAsync(bob, "Bob's secret");

        var listed = await alice.ListResourcesAsync();
        Assert.Equal([$"task://{milk.Id}", $"task://{report.Id}"], listed.Where(r => r.Uri.StartsWith("task://", StringComparison.Ordinal)).Select(r => r.Uri));
        var first = listed.Single(r => r.Uri == $"task://{milk.Id}");
        Assert.Equal(("Buy milk", "application/json"), (first.Name, first.MimeType));
        Assert.StartsWith("Pending, high priority, due ", first.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(listed, r => r.Uri.Contains(bobs.Id.ToString(), StringComparison.Ordinal));

        var template = Assert.Single(await alice.ListResourceTemplatesAsync(), t => t.UriTemplate == "task://{id}");
        Assert.Equal("application/json", template.MimeType);

        var read = await alice.ReadResourceAsync($"task://{milk.Id}");
        var contents = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
        Assert.Equal(($"task://{milk.Id}", "application/json"), (contents.Uri, contents.MimeType));
        using var json = JsonDocument.Parse(contents.Text);
        Assert.Equal(("Buy milk", "high", false), (json.RootElement.GetProperty("title").GetString(), json.RootElement.GetProperty("priority").GetString(), json.RootElement.GetProperty("completed").GetBoolean()));

        // Another user's task reads as one that does not exist, in the revision's own words for it.
        var expected = revision == "2026-07-28" ? McpErrorCode.InvalidParams : McpErrorCode.ResourceNotFound;
        foreach (var uri in new[] { $"task://{bobs.Id}", $"task://{Guid.NewGuid()}", "task://not-an-id" })
        {
            var refused = await Assert.ThrowsAsync<McpProtocolException>(() => alice.ReadResourceAsync(uri).AsTask());
            Assert.Equal(expected, refused.ErrorCode);
            Assert.Contains("does not exist, or it is not yours", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Bob's secret", refused.Message, StringComparison.Ordinal);
        }

        // The template's id completes from the user's own tasks, by id or title.
        var byTitle = await alice.CompleteAsync(new ResourceTemplateReference { Uri = "task://{id}" }, "id", "milk");
        Assert.Equal([milk.Id.ToString()], byTitle.Completion.Values);
        var byId = await alice.CompleteAsync(new ResourceTemplateReference { Uri = "task://{id}" }, "id", report.Id.ToString()[..8]);
        Assert.Contains(report.Id.ToString(), byId.Completion.Values);
        Assert.Empty((await alice.CompleteAsync(new ResourceTemplateReference { Uri = "task://{id}" }, "id", "secret")).Completion.Values);
    }

    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-11-25")]
    public async Task Prompts_for_a_slash_menu_read_the_users_own_tasks(string revision)
    {
        await using var alice = await ConnectAsync(NewUser("alice"), revision);
        await using var bob = await ConnectAsync(NewUser("bob"), revision);
        await AddAsync(alice, "Pay rent", DateTime.UtcNow.AddDays(-2), "high");
        await AddAsync(alice, "Call mum", DateTime.UtcNow.AddHours(5), "low");
        await AddAsync(alice, "Renew passport", DateTime.UtcNow.AddDays(20));
        var done = await AddAsync(alice, "Old chore", DateTime.UtcNow.AddDays(-1));
        await alice.CallToolAsync("complete_task", new Dictionary<string, object?> { ["id"] = done.Id.ToString() });
        await AddAsync(bob, "Bob's overdue secret", DateTime.UtcNow.AddDays(-3), "high");

        var prompts = await alice.ListPromptsAsync();
        Assert.Equal(["plan_my_day", "triage_overdue", "weekly_review"], prompts.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(prompts, p => Assert.False(string.IsNullOrWhiteSpace(p.Description)));
        Assert.Equal(["priority"], prompts.Single(p => p.Name == "triage_overdue").ProtocolPrompt.Arguments!.Select(a => a.Name));

        var plan = TextOf(await alice.GetPromptAsync("plan_my_day", new Dictionary<string, object?> { ["focus"] = "calls before noon" }));
        // Due or overdue, most important first; not what is due later, done, or someone else's.
        Assert.True(plan.IndexOf("Pay rent", StringComparison.Ordinal) is var rent and >= 0 && rent < plan.IndexOf("Call mum", StringComparison.Ordinal), plan);
        Assert.Contains("overdue since", plan, StringComparison.Ordinal);
        Assert.Contains("Favour this: calls before noon.", plan, StringComparison.Ordinal);
        foreach (var absent in new[] { "Renew passport", "Old chore", "Bob's" }) Assert.DoesNotContain(absent, plan, StringComparison.Ordinal);

        var review = TextOf(await alice.GetPromptAsync("weekly_review"));
        Assert.True(review.IndexOf("Old chore", StringComparison.Ordinal) < review.IndexOf("Still pending", StringComparison.Ordinal), review);
        Assert.Contains("Renew passport", review, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob's", review, StringComparison.Ordinal);

        var triage = TextOf(await alice.GetPromptAsync("triage_overdue", new Dictionary<string, object?> { ["priority"] = "high" }));
        Assert.Contains("Pay rent", triage, StringComparison.Ordinal);
        Assert.DoesNotContain("Call mum", triage, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob's", triage, StringComparison.Ordinal);
        var bad = await Assert.ThrowsAsync<McpProtocolException>(() => alice.GetPromptAsync("triage_overdue", new Dictionary<string, object?> { ["priority"] = "urgent" }).AsTask());
        Assert.Contains("priority must be one of high, normal, low", bad.Message, StringComparison.Ordinal);

        var completed = await alice.CompleteAsync(new PromptReference { Name = "triage_overdue" }, "priority", "h");
        Assert.Equal(["high"], completed.Completion.Values);
        Assert.Equal(["high", "normal", "low"], (await alice.CompleteAsync(new PromptReference { Name = "triage_overdue" }, "priority", "")).Completion.Values);
    }

    [Fact]
    public async Task Prompts_and_resources_need_the_read_scope()
    {
        var user = NewUser("scopeless");
        foreach (var method in new[] { "prompts/list", "resources/list", "resources/templates/list" })
        {
            using var client = fixture.Server.CreateClient(fixture.Issuer.CreateToken(user, fixture.Server.ResourceUrl, scope: null));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
            {
                Content = new StringContent($$$"""{"jsonrpc":"2.0","id":1,"method":"{{{method}}}","params":{}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("scope=\"tasks:read\"", response.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteTaskPromptsAndResourcesTests(SqliteMcpServer fixture) : TaskPromptsAndResourcesTests<SqliteMcpServer>(fixture), IClassFixture<SqliteMcpServer>;

public sealed class PostgresTaskPromptsAndResourcesTests(PostgresMcpServer fixture) : TaskPromptsAndResourcesTests<PostgresMcpServer>(fixture), IClassFixture<PostgresMcpServer>;
