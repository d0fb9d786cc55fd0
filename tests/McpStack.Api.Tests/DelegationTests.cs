using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using McpStack.Api.Delegation;
using McpStack.Api.Tasks;
using McpStack.Api.Tools;
using McpStack.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace McpStack.Api.Tests;

/// <summary>The api calling the MCP server on a user's behalf, with a token minted for the MCP server.</summary>
public sealed class DelegationTests(SqliteStack stack) : IClassFixture<SqliteStack>
{
    [Fact]
    public async Task Lists_the_mcp_tools()
    {
        using var client = stack.ClientFor(Http.NewUser("kim"));
        var tools = await client.GetFromJsonAsync<List<ToolInfo>>("/api/tools");
        Assert.Equal(McpStack.Mcp.Tools.ToolCatalog.OfServer().Names, tools!.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_task_added_through_a_tool_call_belongs_to_the_caller_only()
    {
        var alice = Http.NewUser("alice");
        using var aliceClient = stack.ClientFor(alice);
        using var call = await aliceClient.PostAsJsonAsync("/api/tools/add_task", new { title = "Via MCP" });
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        var result = await call.ReadAsync<ToolCallResponse>();
        Assert.False(result.IsError);
        var id = result.Result!.Value.GetProperty("id").GetGuid();

        var mine = await aliceClient.GetFromJsonAsync<TaskListResponse>("/api/tasks");
        Assert.Equal(id, Assert.Single(mine!.Items).Id);
        using var bobClient = stack.ClientFor(Http.NewUser("bob"));
        Assert.Empty((await bobClient.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Items);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"/api/tasks/{id}")).StatusCode);

        // Bob, through the same shared MCP client, cannot complete Alice's task either.
        using var bobCall = await bobClient.PostAsJsonAsync("/api/tools/complete_task", new { id });
        var bobResult = await bobCall.ReadAsync<ToolCallResponse>();
        Assert.True(bobResult.IsError);
        Assert.Contains("No task with id", bobResult.Text, StringComparison.Ordinal);
        Assert.False((await aliceClient.GetFromJsonAsync<Data.Tasks.TaskDto>($"/api/tasks/{id}"))!.Completed);
    }

    [Fact]
    public async Task Concurrent_calls_for_different_users_never_mix_identities()
    {
        var users = Enumerable.Range(0, 8).Select(i => Http.NewUser($"u{i}")).ToArray();
        await Parallel.ForEachAsync(users, async (user, ct) =>
        {
            using var client = stack.ClientFor(user);
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.PostAsJsonAsync("/api/tools/add_task", new { title = $"{user} #{i}" }, ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        foreach (var user in users)
        {
            using var client = stack.ClientFor(user);
            var tasks = (await client.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Items;
            Assert.Equal(3, tasks.Count);
            Assert.All(tasks, t => Assert.StartsWith(user + " #", t.Title, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Tool_errors_and_unknown_tools_are_reported_clearly()
    {
        using var client = stack.ClientFor(Http.NewUser("lee"));
        var bad = await (await client.PostAsJsonAsync("/api/tools/add_task", new { title = "" })).ReadAsync<ToolCallResponse>();
        Assert.True(bad.IsError);
        Assert.Contains("The title cannot be empty.", bad.Text, StringComparison.Ordinal);

        using var unknown = await client.PostAsJsonAsync("/api/tools/drop_tables", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var notObject = await client.PostAsJsonAsync("/api/tools/add_task", new[] { 1, 2 });
        Assert.Equal(HttpStatusCode.BadRequest, notObject.StatusCode);
    }

    [Fact]
    public void The_minted_token_is_for_the_mcp_server_and_short_lived()
    {
        var token = new JsonWebToken(stack.Api.Services.GetRequiredService<DelegatedTokenMinter>().Mint("alice"));
        Assert.Equal([stack.Mcp.ResourceUrl], token.Audiences);
        Assert.Equal(stack.Api.BaseUrl, token.Issuer);
        Assert.Equal("alice", token.Subject);
        Assert.Equal("ES256", token.Alg);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void A_users_token_is_reused_for_half_its_life_then_replaced()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var minter = new DelegatedTokenMinter(
            stack.Api.Services.GetRequiredService<DelegationSigningKey>(), stack.Api.Services.GetRequiredService<IOptions<DelegationOptions>>(), time);

        var first = minter.TokenFor("alice");
        Assert.Equal(first, minter.TokenFor("alice"));
        Assert.Equal("bob", new JsonWebToken(minter.TokenFor("bob")).Subject);

        time.Advance(TimeSpan.FromMinutes(2)); // of 5
        Assert.Equal(first, minter.TokenFor("alice"));
        time.Advance(TimeSpan.FromMinutes(1));
        var renewed = new JsonWebToken(minter.TokenFor("alice"));
        Assert.NotEqual(first, renewed.EncodedToken);
        Assert.Equal(time.GetUtcNow().UtcDateTime.AddMinutes(5), renewed.ValidTo, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_mcp_server_refuses_the_browser_token()
    {
        using var mcp = stack.Mcp.CreateClient(stack.TokenFor("alice"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = JsonContent.Create(JsonDocument.Parse("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""").RootElement),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await mcp.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>A stack that records every request the api's MCP client sends: its JSON-RPC method, tool, title argument and token subject.</summary>
public sealed class RecordingMcpClientStack() : StackFixture(DatabaseProvider.Sqlite)
{
    public System.Collections.Concurrent.ConcurrentQueue<(string Method, string? Tool, string? Title, string? Subject)> Sent { get; } = new();

    protected override void OverrideServices(IServiceCollection services) =>
        // Added after the app's own handlers, so it sees each request as it leaves: token set, after retries.
        services.AddHttpClient(McpToolClient.HttpClientName).AddHttpMessageHandler(() => new Recorder(Sent));

    private sealed class Recorder(System.Collections.Concurrent.ConcurrentQueue<(string, string?, string?, string?)> sent) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var subject = request.Headers.Authorization?.Parameter is { } token ? new JsonWebToken(token).Subject : null;
            if (request.Content is not null)
            {
                var body = JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken)).RootElement;
                var method = body.GetProperty("method").GetString()!;
                var parameters = body.TryGetProperty("params", out var p) ? p : default;
                string? Read(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var title = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("arguments", out var a) ? Read(a, "title") : null;
                sent.Enqueue((method, Read(parameters, "name"), title, subject));
            }
            else
            {
                sent.Enqueue((request.Method.Method, null, null, subject));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>
/// The user a delegated call acts as travels in an AsyncLocal read by one process-wide HTTP handler. Everything the
/// SDK sends on its own (connecting, notifications) is recorded beside the tool calls: a tool call always carries the
/// token of the user it was made for, and what else is sent acts on no one's data.
/// </summary>
public sealed class DelegatedIdentityTests(RecordingMcpClientStack stack) : IClassFixture<RecordingMcpClientStack>
{
    private static readonly string[] ProtocolOnly = ["initialize", "notifications/initialized", "server/discover", "tools/list", "notifications/cancelled", "DELETE", "GET"];

    [Fact]
    public async Task No_request_the_api_sends_to_the_mcp_server_carries_another_users_identity()
    {
        var users = Enumerable.Range(0, 12).Select(i => Http.NewUser($"p{i}")).ToArray();
        // All at once from a cold client: the first calls race to connect, each flow with its own user.
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (user, ct) =>
        {
            using var client = stack.ClientFor(user);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tools", ct)).StatusCode);
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.PostAsJsonAsync("/api/tools/add_task", new { title = $"{user}|{i}" }, ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });

        var sent = stack.Sent.ToList();
        var calls = sent.Where(s => s.Method == "tools/call").ToList();
        Assert.Equal(users.Length * 3, calls.Count);
        Assert.All(calls, c => Assert.Equal(c.Title!.Split('|')[0], c.Subject));
        // The SDK connected on its own within one of these flows (2026-07-28: server/discover; 2025-11-25: initialize).
        Assert.Contains(sent, s => s.Method is "server/discover" or "initialize");
        // Everything else is the protocol's own, acting on no user's data, and carries one of the callers' tokens or none.
        Assert.All(sent.Where(s => s.Method != "tools/call"), s =>
        {
            Assert.Contains(s.Method, ProtocolOnly);
            Assert.True(s.Subject is null || users.Contains(s.Subject), $"{s.Method} carried {s.Subject}");
        });
    }
}
