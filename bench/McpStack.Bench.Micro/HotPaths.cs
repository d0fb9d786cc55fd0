using System.Text.Json;
using BenchmarkDotNet.Attributes;
using McpStack.Data;
using McpStack.Data.Tasks;
using McpStack.Hosting.Auth;
using McpStack.Mcp.Tools;
using McpStack.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpStack.Bench.Micro;

/// <summary>
/// The pieces of an MCP <c>list_tasks</c> call that the layer table of <c>bench/README.md</c> cannot tell apart:
/// the EF Core query of 50 tasks on SQLite (a new scope and context, as per request), the tool result's JSON as the
/// SDK writes it (structured content, its text copy, the JSON-RPC result), and the bearer token's validation.
/// </summary>
public class HotPaths
{
    private const string Audience = "http://mcp.bench/mcp";

    private TestIssuer _issuer = null!;
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private TaskListResult _result = null!;
    private string _token = "";
    private TokenValidationParameters _validation = null!;
    private readonly JsonWebTokenHandler _plainHandler = new() { MapInboundClaims = false };
    private readonly CachingJsonWebTokenHandler _cachingHandler = new(TimeProvider.System, TimeSpan.FromMinutes(5)) { MapInboundClaims = false };

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        _services = _database.CreateServices(new FixedUser("bench"));
        await using (var scope = _services.CreateAsyncScope())
        {
            var tasks = scope.ServiceProvider.GetRequiredService<TaskService>();
            for (var i = 1; i <= 50; i++) await tasks.AddAsync(new NewTask($"Seeded task {i}", null, null, null));
        }
        var page = await ListTasks50();
        _result = new TaskListResult(page.Items, page.Total, page.Limit, page.Offset, page.HasMore);
        _token = _issuer.CreateToken("bench", Audience, lifetime: TimeSpan.FromHours(2));
        _validation = new TokenValidationParameters
        {
            ValidIssuer = _issuer.Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = [_issuer.Es256],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _cachingHandler.Dispose();
        await _services.DisposeAsync();
        await _database.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Benchmark(Description = "EF Core: list 50 tasks (SQLite, new context)")]
    public async Task<TaskPage> ListTasks50()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TaskService>().ListAsync(TaskStatusFilter.All, 50, 0);
    }

    [Benchmark(Description = "JSON: 50-task tool result as the SDK writes it")]
    public byte[] ToolResultJson()
    {
        // The tool's return value becomes a JsonElement, then structured content plus a text copy, then the JSON-RPC result.
        var element = JsonSerializer.SerializeToElement(_result, McpJsonUtilities.DefaultOptions);
        var result = new CallToolResult
        {
            Content = [new TextContentBlock { Text = element.GetRawText() }],
            StructuredContent = element,
        };
        return JsonSerializer.SerializeToUtf8Bytes(result, McpJsonUtilities.DefaultOptions);
    }

    [Benchmark(Description = "JSON: the same answer with the result serialised once")]
    public byte[] ToolResultJsonOnce()
    {
        // What "writing the result once" could reach: one serialisation, its bytes reused for the text copy (the
        // database ceiling's way), against the SDK's three passes above.
        var structured = JsonSerializer.SerializeToUtf8Bytes(_result, McpJsonUtilities.DefaultOptions);
        using var buffer = new MemoryStream(2 * structured.Length + 128);
        buffer.Write("{\"content\":[{\"type\":\"text\",\"text\":"u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(structured));
        }
        buffer.Write(",\"structuredContent\":"u8);
        buffer.Write(structured);
        buffer.Write("}"u8);
        return buffer.ToArray();
    }

    [Benchmark(Description = "JWT: validate an ES256 token")]
    public async Task<bool> ValidateToken() => (await _plainHandler.ValidateTokenAsync(_token, _validation)).IsValid;

    [Benchmark(Description = "JWT: the same token, remembered")]
    public async Task<bool> ValidateRememberedToken() => (await _cachingHandler.ValidateTokenAsync(_token, _validation)).IsValid;
}
