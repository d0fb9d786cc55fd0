using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Microsoft.Extensions.Options;

namespace McpStack.Api.Delegation;

/// <summary>
/// Calls the MCP server's tools on a user's behalf. One MCP client per process (the server is stateless, so there is
/// no session to keep per user) and the tool list fetched once; each HTTP request carries a token minted for the user
/// on whose behalf the call runs (<see cref="DelegatedTokenHandler"/>).
/// </summary>
public sealed class McpToolClient(IHttpClientFactory httpClientFactory, IOptions<DelegationOptions> options, ILoggerFactory loggerFactory)
    : IAsyncDisposable
{
    public const string HttpClientName = "mcp";

    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private McpClient? _client;
    private IReadOnlyList<McpClientTool>? _tools;
    private IList<Prompt>? _prompts;

    /// <summary>The MCP server's tools, as AI functions that call the server for the user of the current call.</summary>
    public async Task<IReadOnlyList<McpClientTool>> ListToolsAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (_tools is { } cached) return cached;
        using var _ = DelegatedTokenHandler.ActAs(userId);
        var client = await GetClientAsync(cancellationToken);
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            return _tools ??= [.. await client.ListToolsAsync(cancellationToken: cancellationToken)];
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Calls <paramref name="tool"/> as <paramref name="userId"/>, at the user's own request (a slash command,
    /// <c>/api/tools</c>): the server's confirmations are answered yes. Tool errors come back as <c>IsError</c> results.
    /// </summary>
    public async Task<CallToolResult> CallToolAsync(string userId, string tool, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken = default)
    {
        using var confirmed = UserConfirmation.Given();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ToolCallTimeout);
        return await AsUserAsync(userId, client => client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token), cancellationToken);
    }

    /// <summary>
    /// Reads one of the MCP server's resources (a tool's view, a task) as <paramref name="userId"/>. A resource that is
    /// not there, or not the user's, is an <see cref="McpProtocolException"/>.
    /// </summary>
    public Task<ReadResourceResult> ReadResourceAsync(string userId, string uri, CancellationToken cancellationToken = default) =>
        AsUserAsync(userId, client => client.ReadResourceAsync(uri, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>The MCP server's prompts, for the chat's slash menu: definitions, the same for every user, fetched once like the tools.</summary>
    public async Task<IList<Prompt>> ListPromptsAsync(string userId, CancellationToken cancellationToken = default) =>
        _prompts ??= (await AsUserAsync(userId, client => client.ListPromptsAsync(new ListPromptsRequestParams(), cancellationToken), cancellationToken)).Prompts;

    /// <summary>One prompt's messages, filled in for <paramref name="userId"/> (they read the user's own data).</summary>
    public Task<GetPromptResult> GetPromptAsync(string userId, string name, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken = default) =>
        AsUserAsync(userId, client => client.GetPromptAsync(name, arguments, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Values for a prompt's argument as the user types it.</summary>
    public async Task<Completion> CompletePromptArgumentAsync(string userId, string prompt, string argument, string value, CancellationToken cancellationToken = default) =>
        (await AsUserAsync(userId, client => client.CompleteAsync(new PromptReference { Name = prompt }, argument, value, cancellationToken: cancellationToken), cancellationToken)).Completion;

    /// <summary>Whether the server declares <paramref name="tool"/> read-only; every other tool counts as a write.</summary>
    public static bool IsReadOnly(McpClientTool tool) => tool.ProtocolTool.Annotations?.ReadOnlyHint == true;

    /// <summary>Whether the server declares <paramref name="tool"/> destructive: the user confirms each call first.</summary>
    public static bool IsDestructive(McpClientTool tool) => tool.ProtocolTool.Annotations?.DestructiveHint == true;

    /// <summary>The view of <paramref name="tool"/>'s results (MCP Apps <c>_meta.ui.resourceUri</c>), if it has one.</summary>
    public static string? ViewOf(McpClientTool tool) =>
        tool.ProtocolTool.Meta?["ui"]?["resourceUri"] is JsonValue uri && uri.TryGetValue(out string? value) && value.StartsWith("ui://", StringComparison.Ordinal)
            ? value
            : null;

    /// <summary>
    /// Who may call <paramref name="tool"/> (MCP Apps <c>_meta.ui.visibility</c>): <c>model</c>, <c>app</c> (its view), or
    /// both, which is also what a tool that says nothing gets.
    /// </summary>
    public static IReadOnlyList<string> VisibilityOf(McpClientTool tool) =>
        tool.ProtocolTool.Meta?["ui"]?["visibility"] is JsonArray { Count: > 0 } visibility
            ? [.. visibility.Select(v => v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "").Where(v => v is "model" or "app")]
            : ["model", "app"];

    /// <summary>Until disposed, calls made through this client (and its tools) in this async flow act as <paramref name="userId"/>.</summary>
    public static IDisposable ActAs(string userId) => DelegatedTokenHandler.ActAs(userId);

    /// <summary>One request to the MCP server, made as <paramref name="userId"/>.</summary>
    private async Task<T> AsUserAsync<T>(string userId, Func<McpClient, ValueTask<T>> request, CancellationToken cancellationToken)
    {
        using var _ = DelegatedTokenHandler.ActAs(userId);
        return await request(await GetClientAsync(cancellationToken));
    }

    private async Task<McpClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } client) return client;
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_client is not null) return _client;
            var transport = new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Endpoint = new Uri(options.Value.McpServerUrl),
                    TransportMode = HttpTransportMode.StreamableHttp,
                    Name = "mcpstack-api",
                    EnableStandaloneGetStream = false,
                },
                httpClientFactory.CreateClient(HttpClientName),
                loggerFactory,
                ownsHttpClient: true);
            var clientOptions = new McpClientOptions
            {
                ClientInfo = new() { Name = "mcpstack-api", Version = "1.0.0" },
                Handlers = new() { ElicitationHandler = UserConfirmation.AnswerAsync },
            };
            _client = await McpClient.CreateAsync(transport, clientOptions, loggerFactory, cancellationToken);
            return _client;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        _connectLock.Dispose();
    }
}

/// <summary>
/// Adds <c>Authorization: Bearer &lt;token minted for the current user&gt;</c> to each request to the MCP server.
/// The user travels with the async flow of the call (<see cref="ActAs"/>), so one shared client serves every user.
/// </summary>
public sealed class DelegatedTokenHandler(DelegatedTokenMinter minter) : DelegatingHandler
{
    private static readonly AsyncLocal<string?> CurrentUser = new();

    public static IDisposable ActAs(string userId) => AsyncLocalScope.Set(CurrentUser, (string?)userId);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (CurrentUser.Value is { } userId)
        {
            request.Headers.Authorization = new("Bearer", minter.TokenFor(userId));
        }
        return base.SendAsync(request, cancellationToken);
    }
}
