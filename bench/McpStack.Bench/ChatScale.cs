using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpStack.Data;
using McpStack.Data.Entities;
using McpStack.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpStack.Bench;

/// <summary>
/// How many people can chat at once on one api replica: N users each run a turn, all open at once, against a slow
/// OpenAI-compatible model (in this process: it streams a word every 50 ms for half the turn, calls <c>list_tasks</c>,
/// then streams the other half). The api and the MCP server run as the Dockerfiles run them (Release, Production,
/// separate processes). Per N: the api's RSS, the time to the first streamed word above the model's own, the database
/// connections the api holds, errors, and whether every turn was stored exactly once.
/// </summary>
public static class ChatScale
{
    /// <summary>Turns started one after another while the N are open, to time a newcomer's first word.</summary>
    private const int Probes = 20;

    /// <summary>The model's pace: 20 words a second.</summary>
    private static readonly TimeSpan WordInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<string> MeasureAsync(TestIssuer issuer, string apiDll, string mcpDll, IEnumerable<DatabaseProvider> providers, int[] users, TimeSpan turnLength, (string Key, string Value)[] apiSettings)
    {
        var wordsPerHalf = (int)(turnLength / WordInterval / 2);
        await using var model = await SlowModel.StartAsync(wordsPerHalf);
        var table = new StringBuilder().Append(CultureInfo.InvariantCulture, $"| database | turns at once | done | errors | a newcomer's first word while they run, p50 / p99 ms | first word of the N, p50 / p99 ms | turn p50 s | api RSS peak MiB | api connections to the database, most / mean | api CPU s | stored exactly once |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var provider in providers)
        {
            foreach (var n in users)
            {
                var row = await RunAsync(issuer, apiDll, mcpDll, provider, model, n, turnLength, apiSettings);
                table.AppendLine(row);
                Console.WriteLine(row);
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"**Concurrent chat turns on one api replica** ({Environment.ProcessorCount} cores shared by the api, the MCP server, the model and the users; each turn {turnLength.TotalSeconds:0} s of a model streaming a word every {WordInterval.TotalMilliseconds:0} ms with one `list_tasks` call in the middle; the N start evenly over the first {turnLength.TotalSeconds / 2:0} s, then {Probes} newcomers start one by one while all N stream):\n\n{table}");
    }

    private static async Task<string> RunAsync(TestIssuer issuer, string apiDll, string mcpDll, DatabaseProvider provider, SlowModel model, int n, TimeSpan turnLength, (string Key, string Value)[] apiSettings)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var mcpUrl = $"http://127.0.0.1:{FreePort.Next()}";
        // The api's connections are told apart from the MCP server's on PostgreSQL by their application name.
        var apiDatabase = provider == DatabaseProvider.Postgres ? database.Url + ";Application Name=bench-api" : database.Url;
        await using var mcp = await ServerProcess.StartAsync(mcpDll, mcpUrl + "/health", ServerProcess.McpEnvironment(mcpUrl, mcpUrl + "/mcp", database.Url, issuer,
            ("Auth__Issuers__1__Issuer", apiUrl), ("Auth__Issuers__1__JwksUrl", apiUrl + "/.well-known/jwks.json"), ("Mcp__WritesPerMinute", "1000000")));
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await using var api = await ServerProcess.StartAsync(apiDll, apiUrl + "/health", ServerProcess.ApiEnvironment(apiUrl, apiDatabase, issuer, key.ExportECPrivateKeyPem(),
            [("Delegation__Issuer", apiUrl), ("MCP_SERVER_URL", mcpUrl + "/mcp"),
             ("OPENAI_BASE_URL", model.BaseUrl), ("OPENAI_API_KEY", "sk-bench"), ("OPENAI_MODEL", "slow"),
             ("RateLimits__ChatTurnsPerMinute", "10000"), ("RateLimits__WritesPerMinute", "100000"), ("Chat__TurnTimeout", "00:10:00"), .. apiSettings]));

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, ConnectTimeout = TimeSpan.FromSeconds(30) };
        using var http = new HttpClient(handler) { Timeout = turnLength * 4 + TimeSpan.FromMinutes(2) };
        var tokens = Enumerable.Range(0, n).Select(i => issuer.CreateToken($"chat-{n}-{i}", apiUrl, lifetime: TimeSpan.FromHours(1))).ToList();

        // One warm turn first (JIT, the tool list, the pools), by a user of its own.
        var warmModel = model.Words;
        model.Words = 2;
        await TurnAsync(http, apiUrl, issuer.CreateToken("chat-warm", apiUrl, lifetime: TimeSpan.FromHours(1)));
        model.Words = warmModel;

        using var sampling = new CancellationTokenSource();
        var samples = new List<(long RssKiB, int Connections)>();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Add((api.RssKiB(), await ConnectionsAsync(provider, database, api.ProcessId)));
                await Task.Delay(250, CancellationToken.None);
            }
        });
        var cpuBefore = api.CpuTime();
        var streaming = 0;
        // People do not all press Enter in the same millisecond: the N start evenly over the first half of a turn, so that
        // from then on all N are open at once, at every stage of a turn (streaming, calling the tool, storing).
        var spread = turnLength / 2 / n;
        var running = tokens.Select(async (token, i) =>
        {
            await Task.Delay(spread * i);
            return await TurnAsync(http, apiUrl, token, onFirstWord: () => Interlocked.Increment(ref streaming));
        }).ToList();
        // A person starting a turn while the N are open and all streaming: the time to their first word, one after
        // another, each as a user of their own.
        while (Volatile.Read(ref streaming) < n && running.Any(t => !t.IsCompleted)) await Task.Delay(100);
        var probes = new List<double>();
        for (var i = 0; i < Probes; i++)
        {
            var probe = await TurnAsync(http, apiUrl, issuer.CreateToken($"chat-probe-{n}-{i}", apiUrl, lifetime: TimeSpan.FromHours(1)), shortAnswer: true);
            if (probe.Error is null) probes.Add(probe.FirstWordMs - SlowModel.FirstWordMs);
        }
        var turns = await Task.WhenAll(running);
        var cpu = api.CpuTime() - cpuBefore;
        await sampling.CancelAsync();
        await sampler;

        var done = turns.Where(t => t.Error is null).ToList();
        var errors = turns.Where(t => t.Error is not null).GroupBy(t => t.Error).Select(g => $"{g.Count()} × {g.Key}").ToList();
        var firstWord = done.Select(t => t.FirstWordMs - SlowModel.FirstWordMs).ToList();
        var stored = await StoredOnceAsync(database, n);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {provider} | {n} | {done.Count} | {(errors.Count == 0 ? "0" : string.Join("; ", errors))} | {Pct(probes, 0.5):0} / {Pct(probes, 0.99):0} | {Pct(firstWord, 0.5):0} / {Pct(firstWord, 0.99):0} | {Pct(done.Select(t => t.TotalMs / 1000).ToList(), 0.5):0.0} | {samples.Max(s => s.RssKiB) / 1024.0:0} | {samples.Max(s => s.Connections)} / {samples.Average(s => s.Connections):0.0} | {cpu.TotalSeconds:0.0} | {stored} |");
    }

    private static double Pct(List<double> values, double p) => values.Count == 0 ? double.NaN : Stats.Percentile(values, p);

    private sealed record Turn(double FirstWordMs, double TotalMs, string? Error);

    /// <summary>One user's turn, read as the page reads it: the stream's parts until <c>[DONE]</c>.</summary>
    private static async Task<Turn> TurnAsync(HttpClient http, string apiUrl, string token, bool shortAnswer = false, Action? onFirstWord = null)
    {
        var clock = Stopwatch.StartNew();
        double firstWord = -1;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, apiUrl + "/api/chat") { Content = new StringContent(shortAnswer ? """{"message":"Say hi."}""" : """{"message":"What is on my list?"}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode) return new Turn(-1, clock.Elapsed.TotalMilliseconds, $"HTTP {(int)response.StatusCode}");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var finished = false;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                if (line == "data: [DONE]") break;
                using var part = JsonDocument.Parse(line.AsMemory(6));
                switch (part.RootElement.GetProperty("type").GetString())
                {
                    case "text-delta" when firstWord < 0:
                        firstWord = clock.Elapsed.TotalMilliseconds;
                        onFirstWord?.Invoke();
                        break;
                    case "error":
                        return new Turn(firstWord, clock.Elapsed.TotalMilliseconds, "error part: " + part.RootElement.GetProperty("errorText").GetString());
                    case "finish":
                        finished = true;
                        break;
                }
            }
            return new Turn(firstWord, clock.Elapsed.TotalMilliseconds, finished ? null : "stream ended without finish");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Turn(firstWord, clock.Elapsed.TotalMilliseconds, e.GetType().Name);
        }
    }

    /// <summary>
    /// The api's connections to the database now: on PostgreSQL those of its application name that are running a
    /// statement or in a transaction (in use, not idle in the pool); on SQLite the files it holds open (its pooled
    /// connections, idle or not: SQLite has no server to ask what is in use).
    /// </summary>
    private static async Task<int> ConnectionsAsync(DatabaseProvider provider, TestDatabase database, int apiPid)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = database.Url["sqlite:///".Length..];
            try
            {
                return Directory.EnumerateFileSystemEntries($"/proc/{apiPid}/fd").Count(fd => new FileInfo(fd).LinkTarget == file);
            }
            catch (IOException)
            {
                return 0;
            }
        }
        await using var connection = new Npgsql.NpgsqlConnection(database.Connection.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bench-api' AND state <> 'idle'", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// "yes" when each of the N conversations was stored with the same messages as every other (one user message, the
    /// answer with its tool call, no error), and there are N of them; otherwise what differs.
    /// </summary>
    private static async Task<string> StoredOnceAsync(TestDatabase database, int n)
    {
        await using var services = database.CreateServices(new FixedUser(null));
        await using var scope = services.CreateAsyncScope();
        var connection = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c."Id", m."Role", COUNT(m."Id") FROM conversations c LEFT JOIN messages m ON m."ConversationId" = c."Id"
            WHERE c."UserId" LIKE 'chat-%' AND c."UserId" NOT LIKE 'chat-warm%' AND c."UserId" NOT LIKE 'chat-probe%' GROUP BY c."Id", m."Role"
            """;
        var shapes = new Dictionary<string, SortedDictionary<string, long>>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetValue(0).ToString()!;
                (shapes.TryGetValue(id, out var shape) ? shape : shapes[id] = [])[reader.IsDBNull(1) ? "none" : reader.GetString(1)] = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
            }
        }
        var kinds = shapes.Values.Select(s => string.Join(" ", s.Select(kv => $"{kv.Key}×{kv.Value}"))).GroupBy(s => s).ToList();
        if (shapes.Count == n && kinds.Count == 1 && !kinds[0].Key.Contains(MessageRoles.Error, StringComparison.Ordinal)) return $"yes ({kinds[0].Key})";
        return $"no: {shapes.Count} conversations; " + string.Join("; ", kinds.Select(k => $"{k.Count()} × {k.Key}"));
    }

    /// <summary>
    /// An OpenAI-compatible endpoint that answers slowly, as a real model does: a word every 50 ms, <see cref="Words"/>
    /// of them, then a <c>list_tasks</c> call; after the tool's result, as many words again.
    /// </summary>
    private sealed class SlowModel : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public int Words { get; set; }

        public string BaseUrl { get; private set; } = "";

        /// <summary>The model's own time to its first word: it writes the first at once.</summary>
        public const double FirstWordMs = 0;

        public static async Task<SlowModel> StartAsync(int words)
        {
            var model = new SlowModel { Words = words };
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            app.Urls.Add(url);
            app.MapPost("/v1/chat/completions", model.AnswerAsync);
            await app.StartAsync();
            model._app = app;
            model.BaseUrl = url + "/v1";
            return model;
        }

        private async Task AnswerAsync(HttpContext context)
        {
            using var request = await JsonDocument.ParseAsync(context.Request.Body);
            var messages = request.RootElement.GetProperty("messages");
            var last = messages[messages.GetArrayLength() - 1];
            var afterTool = last.GetProperty("role").GetString() == "tool";
            // "Say hi." (the probes): two words, no tool call.
            var hi = last.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() == "Say hi.";
            context.Response.ContentType = "text/event-stream";
            var words = hi ? 2 : Words;
            using var timer = new PeriodicTimer(WordInterval);
            for (var i = 0; i < words; i++)
            {
                await WriteAsync(context, new { role = "assistant", content = $"word{i} " });
                if (i + 1 < words && !await timer.WaitForNextTickAsync(context.RequestAborted)) return;
            }
            if (afterTool || hi)
            {
                await WriteAsync(context, new { }, "stop");
            }
            else
            {
                await WriteAsync(context, new { role = "assistant", tool_calls = new[] { new { index = 0, id = "call_" + Guid.NewGuid().ToString("N")[..12], type = "function", function = new { name = "list_tasks", arguments = """{"limit":5}""" } } } });
                await WriteAsync(context, new { }, "tool_calls");
            }
            await context.Response.WriteAsync("data: [DONE]\n\n");
        }

        private static async Task WriteAsync(HttpContext context, object delta, string? finishReason = null)
        {
            var chunk = JsonSerializer.Serialize(new { id = "chatcmpl-bench", @object = "chat.completion.chunk", created = 0, model = "slow", choices = new[] { new { index = 0, delta, finish_reason = finishReason } } });
            await context.Response.WriteAsync($"data: {chunk}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
