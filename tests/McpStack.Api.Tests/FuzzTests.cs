using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using McpStack.Api.Tasks;
using McpStack.Data;
using McpStack.Data.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace McpStack.Api.Tests;

public sealed class FuzzStack() : StackFixture(DatabaseProvider.Sqlite, "--RateLimits:WritesPerMinute=100000")
{
    protected override string[] McpArgs => ["--Mcp:WritesPerMinute=100000"];
}

/// <summary>The same, as ./run.sh starts it (Development), where binding failures used to be 500s.</summary>
public sealed class DevelopmentFuzzStack() : StackFixture(DatabaseProvider.Sqlite, "--RateLimits:WritesPerMinute=100000")
{
    protected override string EnvironmentName => "Development";

    protected override string[] McpArgs => ["--Mcp:WritesPerMinute=100000"];
}

/// <summary>
/// Property-based fuzzing (CsCheck) of the MCP tools and the REST task API with hostile values: wrong types, huge and
/// control-character strings, unicode edge cases, nested JSON, out-of-range numbers, other users' and malformed ids.
/// Every answer must be a clear refusal or a success — never a 5xx or a stack trace — and the database must change
/// only by the requests that succeeded. In Production (the Dockerfiles) and Development (./run.sh).
/// </summary>
public abstract class FuzzTests<TStack>(TStack stack) where TStack : StackFixture
{
    private const int Iterations = 5000;

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String,
        Gen.Const(""),
        Gen.Const("   "),
        Gen.Char.AlphaNumeric.Array[190, 230].Select(a => new string(a)),
        Gen.Const(new string('x', 5000)),
        Gen.Char[(char)0, (char)31].Array[1, 4].Select(a => "a" + new string(a) + "b"),
        Gen.Const("\u202Eevil\uFEFF\u0000"),
        Gen.Const("💥🚀 \uD800"),
        Gen.Const("'; DROP TABLE tasks; --"),
        Gen.Const("{{7*7}} ${jndi:ldap://x} <script>alert(1)</script>"),
        Gen.Guid.Select(g => g.ToString()));

    private static Gen<JsonNode?> Value(int depth)
    {
        var leaf = Gen.OneOf(
            Text.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
            Gen.Double.Select(d => (JsonNode?)JsonValue.Create(double.IsFinite(d) ? d : 0)),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Const<JsonNode?>((JsonNode?)null));
        if (depth == 0) return leaf;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (6, leaf),
            (1, inner.Array[0, 3].Select(a => (JsonNode?)new JsonArray([.. a]))),
            (1, Gen.Select(Text, inner).Array[0, 3].Select(kv => (JsonNode?)ToObject(kv.Select(p => (p.Item1, p.Item2))))));
    }

    private static JsonObject ToObject(IEnumerable<(string Key, JsonNode? Value)> pairs)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in pairs) obj[key] = value?.DeepClone();
        return obj;
    }

    private static readonly string[] Fields = ["title", "description", "dueAt", "priority", "completed", "clearDueAt", "version", "id", "status", "limit", "offset", "user_id", "userId"];

    /// <summary>An arguments object: mostly the tools' own parameter names, with hostile values, sometimes extra keys.</summary>
    private static Gen<JsonObject> Arguments(Gen<string> ids) =>
        Gen.Select(Gen.OneOf<string>(Fields).Array[0, 5], Value(2).Array[5], ids, Gen.Bool).Select(t =>
        {
            var (names, values, id, withId) = t;
            var obj = new JsonObject();
            for (var i = 0; i < names.Length; i++) obj[names[i]] = values[i]?.DeepClone();
            if (withId) obj["id"] = id;
            return obj;
        });

    private async Task<(HttpClient Victim, Guid[] VictimIds)> VictimAsync()
    {
        var victim = stack.ClientFor(Http.NewUser("victim"));
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await victim.PostAsJsonAsync("/api/tasks", new { title = $"Victim task {i}" });
            ids.Add((await response.Content.ReadFromJsonAsync<TaskDto>())!.Id);
        }
        return (victim, [.. ids]);
    }

    private static async Task AssertUnchangedAsync(HttpClient victim, Guid[] ids)
    {
        var tasks = (await victim.GetFromJsonAsync<TaskListResponse>("/api/tasks"))!.Items;
        Assert.Equal(ids.Order(), tasks.Select(t => t.Id).Order());
        Assert.All(tasks, t => Assert.Equal((1, false), (t.Version, t.Completed)));
    }

    [Fact]
    public async Task Fuzzed_MCP_tool_calls_get_results_or_clear_errors_and_change_only_what_succeeded()
    {
        var (victim, victimIds) = await VictimAsync();
        var attacker = Http.NewUser("attacker");
        await using var client = await stack.Mcp.ConnectAsync(stack.Issuer.CreateToken(attacker, stack.Mcp.ResourceUrl, lifetime: TimeSpan.FromHours(1)));
        var ids = Gen.OneOf(Gen.OneOf<Guid>(victimIds).Select(g => g.ToString()), Text);
        var tools = Gen.OneOf<string>("add_task", "list_tasks", "complete_task", "update_task", "delete_task", "health", "no_such_tool");
        var added = 0;
        var calls = 0;

        await Gen.Select(tools, Arguments(ids)).SampleAsync(async (tool, args) =>
        {
            Interlocked.Increment(ref calls);
            var arguments = args.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone());
            try
            {
                var result = await client.CallToolAsync(tool, arguments);
                var text = string.Join(" ", result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text));
                if (result.IsError == true)
                {
                    Assert.False(string.IsNullOrWhiteSpace(text), $"{tool}: an error without a message");
                    Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
                }
                else if (tool == "add_task")
                {
                    Interlocked.Increment(ref added);
                }
            }
            catch (McpProtocolException e)
            {
                // A JSON-RPC error (unknown tool, unparseable arguments) is a clear refusal too.
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
        }, iter: Iterations, threads: 1);

        Assert.Equal(Iterations, calls);
        var own = await client.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["limit"] = 1 });
        Assert.Equal(added, own.StructuredContent!.Value.GetProperty("total").GetInt32());
        await AssertUnchangedAsync(victim, victimIds);
        victim.Dispose();
    }

    [Fact]
    public async Task Fuzzed_REST_requests_never_get_a_5xx_and_change_only_what_succeeded()
    {
        var (victim, victimIds) = await VictimAsync();
        using var attacker = stack.ClientFor(Http.NewUser("attacker"));
        var paths = Gen.OneOf(
            Gen.OneOf<Guid>(victimIds).Select(g => $"/api/tasks/{g}"),
            Text.Select(t => $"/api/tasks/{Uri.EscapeDataString(t.Length > 300 ? t[..300] : t)}"),
            Gen.Const("/api/tasks"));
        var queries = Gen.Select(Text, Text, Text).Select(q => $"?status={Uri.EscapeDataString(Cut(q.Item1))}&limit={Uri.EscapeDataString(Cut(q.Item2))}&offset={Uri.EscapeDataString(Cut(q.Item3))}");
        var created = 0;
        var statuses = new Dictionary<int, int>();

        await Gen.Select(Gen.OneOf<string>("GET", "POST", "PATCH", "DELETE"), paths, queries, Gen.Frequency((8, Arguments(Text).Select(a => a.ToJsonString())), (1, Text), (1, Gen.Const(new string('[', 200))))).SampleAsync(async (method, path, query, body) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), method == "GET" ? path + query : path);
            if (method is "POST" or "PATCH") request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await attacker.SendAsync(request);
            var status = (int)response.StatusCode;
            lock (statuses) statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"{method} {path} {body[..Math.Min(body.Length, 200)]} → {status}: {await response.Content.ReadAsStringAsync()}");
            var content = await response.Content.ReadAsStringAsync();
            // Kestrel itself refuses some request lines (a NUL in the path) with an empty 400 before the app runs.
            if (status >= 400 && content.Length > 0)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain("   at ", content, StringComparison.Ordinal);
            }
            if (status == 201) Interlocked.Increment(ref created);
        }, iter: Iterations, threads: 1);

        Assert.Equal(Iterations, statuses.Values.Sum());
        var own = await attacker.GetFromJsonAsync<TaskListResponse>("/api/tasks?limit=1");
        Assert.Equal(created, own!.Total);
        await AssertUnchangedAsync(victim, victimIds);
        victim.Dispose();
    }

    private static string Cut(string s) => s.Length > 100 ? s[..100] : s;
}

public sealed class ProductionFuzzTests(FuzzStack stack) : FuzzTests<FuzzStack>(stack), IClassFixture<FuzzStack>;

public sealed class DevelopmentFuzzTests(DevelopmentFuzzStack stack) : FuzzTests<DevelopmentFuzzStack>(stack), IClassFixture<DevelopmentFuzzStack>;
