using System.Net;
using System.Net.Http.Json;
using McpStack.Data;
using McpStack.Hosting;
using McpStack.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Tests;

/// <summary>
/// Two api replicas and two MCP server replicas on one database, as behind a load balancer: a user's writes and chat
/// turns spend one budget whichever replica takes them (counted in <c>rate_limit_windows</c>), and another user's
/// budget is their own.
/// </summary>
public abstract class SharedRateLimitTests(DatabaseProvider provider, params string[] storeArgs) : IAsyncLifetime
{
    private const int Writes = 5;
    private const int ChatTurns = 3;

    private readonly LimitedStack _stack = new(provider, storeArgs);
    private ApiHost _secondApi = null!;
    private McpServerHost _secondMcp = null!;

    public async Task InitializeAsync()
    {
        await _stack.InitializeAsync();
        _secondApi = await ApiHost.StartAsync(_stack.Database, _stack.Issuer, $"http://127.0.0.1:{FreePort.Next()}", _stack.Mcp.ResourceUrl,
            ["--environment=Production", $"--Auth:Audience={_stack.Api.Audience}", .. _stack.ApiLimits]);
        // Trusting the same issuers in the same order: a user's id (issuer and subject) is the same at both.
        _secondMcp = await McpServerHost.StartAsync(_stack.Database, [(_stack.Api.BaseUrl, _stack.Api.JwksUrl), (_stack.Issuer.Issuer, _stack.Issuer.JwksUrl)],
            $"http://127.0.0.1:{FreePort.Next()}", [$"--Mcp:ResourceUrl={_stack.Mcp.ResourceUrl}", .. _stack.McpLimits]);
        await AwayFromAMinuteBoundaryAsync();
    }

    public async Task DisposeAsync()
    {
        await _secondMcp.DisposeAsync();
        await _secondApi.DisposeAsync();
        await _stack.DisposeAsync();
    }

    /// <summary>The budgets are fixed windows of a minute: a test that crossed into the next would see a fresh budget.</summary>
    private static async Task AwayFromAMinuteBoundaryAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 50) await Task.Delay(TimeSpan.FromSeconds(61 - second));
    }

    protected abstract bool CountsAcrossReplicas { get; }

    private int Expected(int budget, int attempts) => CountsAcrossReplicas ? budget : Math.Min(attempts, 2 * budget);

    [Fact]
    public async Task A_users_writes_spend_one_budget_across_api_replicas_and_another_user_is_unaffected()
    {
        var ivan = Http.NewUser("ivan");
        using var first = _stack.ClientFor(ivan);
        using var second = _secondApi.CreateClient(_stack.TokenFor(ivan));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * Writes + 2; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsJsonAsync("/api/tasks", new { title = $"t{i}" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            }
        }
        Assert.Equal(Expected(Writes, 2 * Writes + 2), statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
        // Nothing refused was written.
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.Created), (await first.GetFromJsonAsync<McpStack.Api.Tasks.TaskListResponse>("/api/tasks"))!.Total);

        using var judy = _secondApi.CreateClient(_stack.TokenFor(Http.NewUser("judy")));
        Assert.Equal(HttpStatusCode.Created, (await judy.PostAsJsonAsync("/api/tasks", new { title = "mine" })).StatusCode);
    }

    [Fact]
    public async Task Concurrent_writes_at_both_replicas_get_exactly_the_budget()
    {
        var rush = Http.NewUser("rush");
        using var first = _stack.ClientFor(rush);
        using var second = _secondApi.CreateClient(_stack.TokenFor(rush));
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).PostAsJsonAsync("/api/tasks", new { title = $"r{i}" })));
        Assert.Equal(Expected(Writes, 40), responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(40 - Expected(Writes, 40), responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task Chat_turns_spend_one_budget_across_api_replicas()
    {
        var kim = Http.NewUser("kim");
        using var first = _stack.ClientFor(kim);
        using var second = _secondApi.CreateClient(_stack.TokenFor(kim));
        var answered = 0;
        for (var i = 0; i < 2 * ChatTurns; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsJsonAsync("/api/chat", new { message = "/help" });
            if (response.StatusCode == HttpStatusCode.OK) answered++;
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.Contains($"chat limit ({ChatTurns} turns a minute)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        Assert.Equal(Expected(ChatTurns, 2 * ChatTurns), answered);
    }

    [Fact]
    public async Task A_direct_clients_write_tools_spend_one_budget_across_mcp_replicas()
    {
        var token = _stack.Issuer.CreateToken(Http.NewUser("mia"), _stack.Mcp.ResourceUrl);
        await using var first = await _stack.Mcp.ConnectAsync(token);
        await using var second = await _secondMcp.ConnectAsync(token);
        var written = 0;
        for (var i = 0; i < 2 * Writes + 2; i++)
        {
            var result = await (i % 2 == 0 ? first : second).CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = $"m{i}" });
            if (result.IsError != true) written++;
            else Assert.Contains($"write limit ({Writes} a minute)", string.Join("", result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
        }
        Assert.Equal(Expected(Writes, 2 * Writes + 2), written);
    }

    private sealed class LimitedStack(DatabaseProvider provider, string[] storeArgs)
        : StackFixture(provider, [$"--RateLimits:WritesPerMinute={Writes}", $"--RateLimits:ChatTurnsPerMinute={ChatTurns}", .. storeArgs])
    {
        public string[] ApiLimits { get; } = [$"--RateLimits:WritesPerMinute={Writes}", $"--RateLimits:ChatTurnsPerMinute={ChatTurns}", .. storeArgs];

        public string[] McpLimits { get; } = [$"--Mcp:WritesPerMinute={Writes}", .. storeArgs];

        protected override string[] McpArgs => McpLimits;
    }
}

/// <summary>PostgreSQL, the multi-replica deployment: shared by default.</summary>
public sealed class PostgresSharedRateLimitTests() : SharedRateLimitTests(DatabaseProvider.Postgres)
{
    protected override bool CountsAcrossReplicas => true;
}

/// <summary>SQLite counts in each process by default (one file is one host); <c>RateLimits:Store=Database</c> shares it there too.</summary>
public sealed class SqliteSharedRateLimitTests() : SharedRateLimitTests(DatabaseProvider.Sqlite, "--RateLimits:Store=Database")
{
    protected override bool CountsAcrossReplicas => true;
}

public sealed class SqliteProcessRateLimitTests() : SharedRateLimitTests(DatabaseProvider.Sqlite)
{
    protected override bool CountsAcrossReplicas => false;
}

public sealed class RateLimitStoreOutageTests
{
    [Fact]
    public async Task While_the_database_cannot_count_a_limit_counts_in_the_process_and_still_refuses()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddAppData(DatabaseConnection.Parse($"Host=127.0.0.1;Port={FreePort.Next()};Database=none;Username=nobody;Password=none;Timeout=2"))
            .AddSingleton(Options.Create(new RateLimitStoreOptions { Store = RateLimitStore.Database }))
            .AddSingleton<RateLimitCounter>()
            .AddSingleton<ICurrentUser>(new FixedUser(null))
            .BuildServiceProvider();
        var counter = services.GetRequiredService<RateLimitCounter>();
        Assert.True(counter.Shared);
        using var limit = new PerUserLimit("writes", 2, counter);

        var taken = new List<bool>();
        for (var i = 0; i < 3; i++) taken.Add((await limit.TryTakeAsync("ivan", CancellationToken.None)).Taken);
        Assert.Equal([true, true, false], taken);
        Assert.True((await limit.TryTakeAsync("judy", CancellationToken.None)).Taken);
    }
}
