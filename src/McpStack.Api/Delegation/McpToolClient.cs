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
        using var _ = DelegatedTokenHandler.ActAs(userId);
        using var confirmed = UserConfirmation.Given();
        var client = await GetClientAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ToolCallTimeout);
        return await client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
    }

    /// <summary>Whether the server declares <paramref name="tool"/> read-only; every other tool counts as a write.</summary>
    public static bool IsReadOnly(McpClientTool tool) => tool.ProtocolTool.Annotations?.ReadOnlyHint == true;

    /// <summary>Until disposed, calls made through this client (and its tools) in this async flow act as <paramref name="userId"/>.</summary>
    public static IDisposable ActAs(string userId) => DelegatedTokenHandler.ActAs(userId);

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
