using System.Net.Http.Headers;
using McpStack.Data;
using McpStack.Mcp;
using Microsoft.AspNetCore.Builder;
using ModelContextProtocol.Client;

namespace McpStack.Testing;

/// <summary>The real MCP server on Kestrel, on a free loopback port, trusting a <see cref="TestIssuer"/>.</summary>
public sealed class McpServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private McpServerHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The endpoint, which is also the audience tokens for this server must name.</summary>
    public string ResourceUrl => BaseUrl + McpServerApp.Path;

    public IServiceProvider Services => _app.Services;

    public static async Task<McpServerHost> StartAsync(TestDatabase database, TestIssuer issuer, params string[] extraArgs)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        string[] args =
        [
            "--environment=Testing",
            $"--urls={baseUrl}",
            $"--DATABASE_URL={database.Url}",
            $"--Mcp:ResourceUrl={baseUrl}{McpServerApp.Path}",
            $"--Auth:Issuers:0:Issuer={issuer.Issuer}",
            $"--Auth:Issuers:0:JwksUrl={issuer.JwksUrl}",
            "--Auth:RequireHttpsMetadata=false",
            "--Auth:JwksMinimumRefreshInterval=00:00:01",
            // MCPSTACK_TEST_LOGS=1 shows the server's own logs in the test output, for debugging.
            $"--Logging:LogLevel:Default={(Environment.GetEnvironmentVariable("MCPSTACK_TEST_LOGS") == "1" ? "Debug" : "Warning")}",
            .. extraArgs,
        ];
        var app = McpServerApp.Build(args);
        await app.StartAsync();
        return new McpServerHost(app, baseUrl);
    }

    /// <summary>An MCP client (the official SDK's) that presents <paramref name="token"/>.</summary>
    public async Task<McpClient> ConnectAsync(string token, CancellationToken cancellationToken = default)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(ResourceUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        });
        return await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);
    }

    /// <summary>A plain HTTP client for the raw protocol (status codes, headers).</summary>
    public HttpClient CreateHttpClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
