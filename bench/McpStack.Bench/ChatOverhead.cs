using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using McpStack.Api.Chat;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace McpStack.Bench;

public sealed record ChatFigures(double MedianMs, double P95Ms, double FollowUpMedianMs, double NoToolMedianMs, double McpRequestsPerTurn, int Turns,
    double ApiRequestMedianMs, double McpCallMedianMs, double McpServerMedianMs)
{
    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"**Chat turn with an instant model** ({Turns} turns, api + mcp on loopback, SQLite): one tool call — median {MedianMs:0.00} ms, p95 {P95Ms:0.00} ms (a new conversation each turn), median {FollowUpMedianMs:0.00} ms (turns in one conversation); no tool call — median {NoToolMedianMs:0.00} ms; HTTP requests to mcp per turn with one tool call: {McpRequestsPerTurn:0.##}. Medians inside a turn with a tool call: the api's handling of `/api/chat` {ApiRequestMedianMs:0.00} ms, its HTTP call to mcp {McpCallMedianMs:0.00} ms, mcp's handling of it {McpServerMedianMs:0.00} ms.");
}

/// <summary>
/// The time the api adds to a chat turn: an instant scripted model (one tool call, then the answer) behind the real
/// api and MCP server on loopback, measured from the request to the stream's end; and the HTTP requests to mcp a turn makes.
/// </summary>
public static class ChatOverhead
{
    public static async Task<ChatFigures> MeasureAsync(int turns)
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var mcpUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var mcp = await McpServerHost.StartAsync(database, [(apiUrl, apiUrl + "/.well-known/jwks.json")], mcpUrl);
        var model = new ScriptedChatClient();
        await using var api = await ApiHost.StartAsync(database, issuer, apiUrl, mcp.ResourceUrl, ["--RateLimits:ChatTurnsPerMinute=10000", "--Quotas:MaxConversationsPerUser=100000"],
            services => services.AddSingleton(new ChatModel(model, "instant")));

        // Where a turn's time goes, from the activities ASP.NET Core and HttpClient start (OpenTelemetry is on in
        // both services): the api's handling of /api/chat, its HTTP call to mcp, and mcp's handling of that call.
        var recording = false;
        var apiRequests = new List<double>();
        var mcpCalls = new List<double>();
        var mcpServer = new List<double>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (!Volatile.Read(ref recording)) return;
                var path = activity.GetTagItem("url.path") as string ?? (activity.GetTagItem("url.full") as string is { } full ? new Uri(full).AbsolutePath : null);
                var list = (activity.Source.Name, path) switch
                {
                    ("Microsoft.AspNetCore", "/api/chat") => apiRequests,
                    ("Microsoft.AspNetCore", "/mcp") => mcpServer,
                    ("System.Net.Http", "/mcp") => mcpCalls,
                    _ => null,
                };
                if (list is not null) lock (list) list.Add(activity.Duration.TotalMilliseconds);
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var client = api.CreateClient(issuer.CreateToken("bench", api.Audience, lifetime: TimeSpan.FromHours(1)));
        Guid? followUp = null;
        async Task<double> TurnAsync(bool inOneConversation = false)
        {
            var clock = Stopwatch.StartNew();
            var turn = await client.ChatAsync("what is on my list?", inOneConversation ? followUp : null);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (!turn.Done) throw new InvalidOperationException("The turn did not finish: " + string.Join(", ", turn.Types));
            if (inOneConversation) followUp = turn.ConversationId;
            return elapsed;
        }

        model.Reset(messages => messages[^1].Role == ChatRole.Tool
            ? [new TextContent("You have nothing to do.")]
            : [new FunctionCallContent("call-" + Guid.NewGuid().ToString("N")[..8], "list_tasks", new Dictionary<string, object?> { ["limit"] = 5 })]);
        for (var i = 0; i < 20; i++) await TurnAsync(); // warm-up: JIT, connection pools, the tool list
        Volatile.Write(ref recording, true);
        var withTool = new List<double>();
        for (var i = 0; i < turns; i++) withTool.Add(await TurnAsync());
        Volatile.Write(ref recording, false);
        var requestsPerTurn = mcpServer.Count / (double)turns;

        // Follow-ups: the same turn in an existing conversation (its lease taken, its history read; capped in length).
        await TurnAsync(inOneConversation: true);
        var followUps = new List<double>();
        for (var i = 0; i < turns; i++) followUps.Add(await TurnAsync(inOneConversation: true));

        model.Reset(_ => [new TextContent("Hello.")]);
        var noTool = new List<double>();
        for (var i = 0; i < turns; i++) noTool.Add(await TurnAsync());

        return new ChatFigures(Stats.Percentile(withTool, 0.5), Stats.Percentile(withTool, 0.95), Stats.Percentile(followUps, 0.5), Stats.Percentile(noTool, 0.5), requestsPerTurn, turns,
            Stats.Percentile(apiRequests, 0.5), Stats.Percentile(mcpCalls, 0.5), Stats.Percentile(mcpServer, 0.5));
    }
}
