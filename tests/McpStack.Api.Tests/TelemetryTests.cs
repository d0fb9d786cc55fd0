using System.Collections.Concurrent;
using System.Diagnostics;
using McpStack.Data;
using McpStack.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace McpStack.Api.Tests;

/// <summary>
/// The stack with telemetry read back: an in-memory exporter beside each service's own pipeline (what its
/// OpenTelemetry configuration keeps, after its sources, filters and sampling), and an OTLP/HTTP receiver that the
/// services export to because OTEL_EXPORTER_OTLP_ENDPOINT is set, as in a deployment. The model is the local fake
/// OpenAI endpoint, so the GenAI span comes from the real OpenAI client path with token counts.
/// </summary>
public abstract class TracedStack(DatabaseProvider provider) : StackFixture(provider)
{
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public OtlpReceiver Otlp { get; private set; } = null!;
    public Captured<Activity> ApiSpans { get; } = [];
    public Captured<Activity> McpSpans { get; } = [];
    public Captured<Metric> ApiMetrics { get; } = [];
    public Captured<Metric> McpMetrics { get; } = [];

    private string[] OtlpArgs => [$"--OTEL_EXPORTER_OTLP_ENDPOINT={Otlp.BaseUrl}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "--OTEL_BSP_SCHEDULE_DELAY=100"];

    protected override string[] McpArgs => OtlpArgs;

    protected override void ConfigureMcp(IMcpServerBuilder mcp) => AddReaders(mcp.Services, McpSpans, McpMetrics);

    protected override void OverrideServices(IServiceCollection services) => AddReaders(services, ApiSpans, ApiMetrics);

    private static void AddReaders(IServiceCollection services, Captured<Activity> spans, Captured<Metric> metrics) => services
        .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))
        .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));

    protected override async Task<string[]> ApiArgsAsync()
    {
        OpenAi = await FakeOpenAiServer.StartAsync();
        return ["--Chat:Provider=OpenAICompatible", $"--Chat:Endpoint={OpenAi.BaseUrl}", "--Chat:Model=fake-model", "--Chat:ApiKey=sk-test", .. OtlpArgs];
    }

    public override async Task InitializeAsync()
    {
        // Before either service: both name it (McpArgs, ApiArgsAsync).
        Otlp = await OtlpReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await OpenAi.DisposeAsync();
        await Otlp.DisposeAsync();
    }
}

public sealed class SqliteTracedStack() : TracedStack(DatabaseProvider.Sqlite);

public sealed class PostgresTracedStack() : TracedStack(DatabaseProvider.Postgres);

/// <summary>What an exporter hands over, kept safely: spans end on many threads while a test reads.</summary>
public sealed class Captured<T> : System.Collections.ObjectModel.Collection<T>
{
    private readonly Lock _lock = new();

    protected override void InsertItem(int index, T item)
    {
        lock (_lock) base.InsertItem(index, item);
    }

    public List<T> Snapshot()
    {
        lock (_lock) return [.. Items];
    }
}

/// <summary>An OTLP/HTTP endpoint that keeps what it is sent (protobuf bodies), per signal.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private OtlpReceiver(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public string BaseUrl { get; }

    /// <summary>The bodies received, by path (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<byte[]>> Received { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, url);
        app.MapPost("/v1/{signal}", async (HttpRequest request, string signal) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Received.GetOrAdd("/v1/" + signal, _ => new()).Enqueue(body.ToArray());
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public byte[] All(string path) => Received.TryGetValue(path, out var bodies) ? [.. bodies.SelectMany(b => b)] : [];

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

public sealed class SqliteTelemetryTests(SqliteTracedStack stack) : TelemetryTests<SqliteTracedStack>(stack), IClassFixture<SqliteTracedStack>;

/// <summary>On PostgreSQL the database spans are Npgsql's own (and EF's are left out, not doubled).</summary>
public sealed class PostgresTelemetryTests(PostgresTracedStack stack) : TelemetryTests<PostgresTracedStack>(stack), IClassFixture<PostgresTracedStack>;

public abstract class TelemetryTests<TStack>(TStack stack) where TStack : TracedStack
{
    private const string Prompt = "What is on my list? (secret-prompt-marker)";

    /// <summary>
    /// A turn in a trace of its own: other tests' services share this process and its listeners, so its spans are
    /// told apart by the trace id the request arrives with.
    /// </summary>
    /// <returns>The browser token the turn was asked with, and the turn's trace id.</returns>
    private async Task<(string Token, ActivityTraceId TraceId)> ChatTurnWithOneToolCallAsync()
    {
        stack.OpenAi.Script = messages => messages.Any(m => (string?)m!["role"] == "tool")
            ? new FakeAnswer("You have nothing to do.")
            : FakeAnswer.Calls(("list_tasks", "{}"));
        var token = stack.TokenFor(Http.NewUser("tess"));
        using var client = stack.Api.CreateClient(token);
        // The test's own span, parent of the request (HttpClient sends its trace context); sampled, as the services
        // follow their caller's decision.
        using var test = new Activity("chat-turn-under-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        test.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var turn = await client.ChatAsync(Prompt);
        Assert.Equal("You have nothing to do.", turn.Text);
        return (token, test.TraceId);
    }

    /// <summary>Every span of the trace that <paramref name="root"/> heads: both services' exporters, by span id.</summary>
    private Dictionary<ActivitySpanId, Activity> TraceOf(Activity root)
    {
        return stack.ApiSpans.Snapshot().Concat(stack.McpSpans.Snapshot()).Where(s => s.TraceId == root.TraceId)
            .GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
    }

    private static bool Descends(Activity span, Activity ancestor, Dictionary<ActivitySpanId, Activity> trace)
    {
        for (var current = span; trace.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId) return true;
        }
        return false;
    }

    [Fact]
    public async Task One_chat_turn_is_one_trace_from_the_api_request_through_the_model_and_the_MCP_server_to_the_database()
    {
        var (token, traceId) = await ChatTurnWithOneToolCallAsync();

        // Spans end (and are exported) as their work ends; the api's request span ends last, after the stream.
        Activity? request = null;
        await Eventually.WaitForAsync(() =>
        {
            request = stack.ApiSpans.Snapshot().LastOrDefault(s => s.TraceId == traceId && s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == "/api/chat");
            return Task.FromResult(request is not null);
        }, true, TimeSpan.FromSeconds(10));
        Assert.NotNull(request);
        var trace = TraceOf(request);
        var spans = trace.Values.ToList();

        // Two calls to the model (the tool call, then the answer), each a GenAI span inside the chat request.
        var modelCalls = spans.Where(s => s.Source.Name == McpStack.Hosting.Telemetry.GenAi && s.GetTagItem("gen_ai.operation.name") as string == "chat").ToList();
        Assert.Equal(2, modelCalls.Count);
        Assert.All(modelCalls, s => Assert.True(Descends(s, request, trace), s.DisplayName));
        var model = modelCalls[0];
        Assert.Equal("fake-model", model.GetTagItem("gen_ai.request.model"));
        Assert.Equal(42, Convert.ToInt32(model.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));

        // The MCP client's side of the call: the SDK adds its attributes to the tool loop's execute_tool span (MCP
        // semantic conventions) rather than opening a second span for the same call.
        var mcpClient = Assert.Single(spans, s => s.Kind != ActivityKind.Server && s.GetTagItem("mcp.method.name") as string == "tools/call");
        Assert.Equal("execute_tool", mcpClient.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("list_tasks", mcpClient.GetTagItem("gen_ai.tool.name"));
        Assert.True(Descends(mcpClient, request, trace), "the MCP client call is part of the chat request");

        var mcpServer = Assert.Single(spans, s => s.Source.Name == McpStack.Hosting.Telemetry.Mcp && s.Kind == ActivityKind.Server
            && s.GetTagItem("mcp.method.name") as string == "tools/call");
        Assert.Equal("list_tasks", mcpServer.GetTagItem("gen_ai.tool.name"));
        Assert.True(Descends(mcpServer, mcpClient, trace), "the server's tool span continues the client's call, over HTTP");

        // Both services run in this test process, and EF Core's instrumentation opens its span from a process-wide
        // event: each service's tracer adds one, so every statement shows twice here (once in a deployment).
        var database = spans.Where(s => s.Kind == ActivityKind.Client && (s.GetTagItem("db.system.name") ?? s.GetTagItem("db.system")) is not null).ToList();
        Assert.Contains(database, s => Descends(s, mcpServer, trace));
        Assert.All(database, s => Assert.Equal(stack.Database.Connection.Provider == DatabaseProvider.Postgres ? "Npgsql" : "OpenTelemetry.Instrumentation.EntityFrameworkCore", s.Source.Name));
        Assert.All(database, s => Assert.DoesNotContain("tess", string.Join(" ", s.TagObjects.Select(t => t.Value)), StringComparison.Ordinal));

        // Nothing secret in any attribute of any span: no token, no prompt, no system instructions.
        foreach (var span in spans)
        {
            foreach (var (key, value) in span.TagObjects)
            {
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain("Bearer ", text, StringComparison.Ordinal);
                Assert.DoesNotContain("secret-prompt-marker", text, StringComparison.Ordinal);
                Assert.DoesNotContain("assistant of McpStack", text, StringComparison.Ordinal);
            }
        }
    }

    private static IEnumerable<(string Metric, Dictionary<string, object?> Tags)> Points(IEnumerable<Metric> metrics)
    {
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
                yield return (metric.Name, tags);
            }
        }
    }

    [Fact]
    public async Task Metrics_count_chat_turns_model_tokens_and_tool_calls_by_tool_and_outcome()
    {
        await ChatTurnWithOneToolCallAsync();
        List<(string Metric, Dictionary<string, object?> Tags)> api = [], mcp = [];
        // The client has the whole answer a moment before the services record the turn and the tool call: collect
        // until both are there.
        await Eventually.WaitForAsync(() =>
        {
            stack.Api.Services.GetRequiredService<MeterProvider>().ForceFlush();
            stack.Mcp.Services.GetRequiredService<MeterProvider>().ForceFlush();
            api = [.. Points(stack.ApiMetrics.Snapshot())];
            mcp = [.. Points(stack.McpMetrics.Snapshot())];
            return Task.FromResult(api.Any(p => p.Metric == "mcpstack.chat.turns") && mcp.Any(p => p.Metric == "mcp.server.operation.duration"));
        }, true, TimeSpan.FromSeconds(10));
        Assert.Contains(api, p => p.Metric == "mcpstack.chat.turns" && p.Tags.GetValueOrDefault("mcpstack.chat.outcome") as string == "answered" && p.Tags.GetValueOrDefault("mcpstack.chat.answered_by") as string == "model");
        Assert.Contains(api, p => p.Metric == "mcpstack.chat.turn.duration");
        Assert.Contains(api, p => p.Metric == "gen_ai.client.token.usage" && p.Tags.GetValueOrDefault("gen_ai.token.type") as string == "input" && p.Tags.GetValueOrDefault("gen_ai.request.model") as string == "fake-model");
        Assert.Contains(mcp, p => p.Metric == "mcp.server.operation.duration" && p.Tags.GetValueOrDefault("gen_ai.tool.name") as string == "list_tasks");
        Assert.Contains(mcp, p => p.Metric == "http.server.request.duration");
        Assert.Contains(stack.McpMetrics.Snapshot(), m => m.MeterName == McpStack.Hosting.Telemetry.EfCore);
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_set_both_services_export_the_turn_and_no_token_leaves_with_it()
    {
        var (token, _) = await ChatTurnWithOneToolCallAsync();
        static bool Has(byte[] body, string text) => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

        // Exported in batches (OTEL_BSP_SCHEDULE_DELAY): wait for the ones holding this turn's tool call.
        var exported = await Eventually.WaitForAsync(() =>
        {
            var traces = stack.Otlp.All("/v1/traces");
            return Task.FromResult(Has(traces, "mcpstack-api") && Has(traces, "mcpstack-mcp") && Has(traces, "tools/call") && Has(traces, "/api/chat"));
        }, true, TimeSpan.FromSeconds(20));
        Assert.True(exported, "spans of both services reach the OTLP endpoint");
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
        {
            var body = stack.Otlp.All(signal);
            Assert.False(Has(body, token), $"the bearer token is in {signal}");
            Assert.False(Has(body, "secret-prompt-marker"), $"the prompt is in {signal}");
        }
    }
}
